# CTX506: generators that yield while a span is current.
from contextlib import asynccontextmanager, contextmanager

from opentelemetry import trace
from opentelemetry.trace import use_span

tracer = trace.get_tracer(__name__)


async def stream_rows(rows):
    with tracer.start_as_current_span("stream_rows"):
        for row in rows:
            yield row  # error: CTX506


def paginate(pages):
    with tracer.start_as_current_span("paginate") as span:
        for page in pages:
            span.add_event("page")
            yield from page  # error: CTX506


def chunks(data):
    span = tracer.start_span("chunks")
    with use_span(span, end_on_exit=True):
        while data:
            yield data[:10]  # error: CTX506
            data = data[10:]


def fastapi_dependency():
    with tracer.start_as_current_span("db-session"):
        session = open_session()
        try:
            yield session  # error: CTX506
        finally:
            session.close()


# --- use instead --------------------------------------------------------------------


async def stream_rows_safely(rows):
    # Not current: nothing to detach when the generator is closed elsewhere.
    span = tracer.start_span("stream_rows")
    try:
        for row in rows:
            yield row
    finally:
        span.end()


def current_only_around_work(items):
    span = tracer.start_span("process")
    try:
        for item in items:
            with trace.use_span(span):
                result = transform(item)
            yield result
    finally:
        span.end()


@contextmanager
def traced(name):
    # The `yield` is the body of the caller's `with` block: this is how use_span is written.
    with tracer.start_as_current_span(name) as span:
        yield span


@asynccontextmanager
async def traced_async(name):
    with tracer.start_as_current_span(name) as span:
        yield span


def _agnosticcontextmanager(func):
    return contextmanager(func)


@_agnosticcontextmanager
def use_span_like(span):
    # How opentelemetry-api writes `use_span`: a project context-manager decorator.
    with use_span(span):
        yield span


def yields_after_the_span(items):
    with tracer.start_as_current_span("prepare"):
        prepared = [transform(item) for item in items]
    yield from prepared


def not_a_generator(items):
    with tracer.start_as_current_span("list"):
        return [transform(item) for item in items]


def open_session():
    return None


def transform(item):
    return item
