# CTX506: `@tracer.start_as_current_span` on a generator function ends the span before the body runs.
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


@tracer.start_as_current_span("export")  # error: CTX506
def export_rows(rows):
    for row in rows:
        yield row


@tracer.start_as_current_span("stream")  # error: CTX506
async def stream(source):
    async for chunk in source:
        yield chunk


class Reader:
    tracer = trace.get_tracer("reader")

    @tracer.start_as_current_span("lines")  # error: CTX506
    def lines(self, path):
        yield from open(path)


# --- use instead --------------------------------------------------------------------


@tracer.start_as_current_span("export_all")
def export_all(rows):
    return list(rows)


@tracer.start_as_current_span("fetch")
async def fetch(source):
    return await source.read()


def export_rows_traced(rows):
    span = tracer.start_span("export")
    try:
        yield from rows
    finally:
        span.end()
