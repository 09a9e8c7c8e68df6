# Span factories: project functions that return `tracer.start_span(...)`. Their callers
# (in app/handlers.py) own the span; the factories themselves are not reported.
from opentelemetry import trace

tracer = trace.get_tracer("app")


def start_request_span(route):
    return tracer.start_span("request " + route, kind=trace.SpanKind.SERVER)


def start_db_span(statement):
    return tracer.start_span("db", attributes={"db.statement": statement})


def begin_job():
    # Also a factory, but its name lacks "span": callers in files that never mention
    # spans cannot be told apart by the file gate, so they are not followed (known limit).
    return tracer.start_span("job")
