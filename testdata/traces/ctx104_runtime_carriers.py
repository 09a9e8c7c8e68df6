# ctxlint: select = ["CTX1"]
# Run with the real SDK by tests/test_traces.py: each function receives a request or
# message carrying the remote trace below, in its real shape, and returns the trace id of
# the span it starts. `reported_*` must leave the remote trace (and be reported by CTX104),
# `use_instead_*` must continue it (and not be reported).
from types import SimpleNamespace

from opentelemetry import trace
from opentelemetry.propagate import extract, inject

REMOTE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
ENVIRON = {"REQUEST_METHOD": "GET", "HTTP_TRACEPARENT": REMOTE}
EVENT = {"httpMethod": "GET", "headers": {"Traceparent": REMOTE}}  # API Gateway keeps the casing
tracer = trace.get_tracer(__name__)


def _trace_id(span):
    return format(span.get_span_context().trace_id, "032x")


def reported_wsgi_environ(environ=ENVIRON, start_response=None):
    with tracer.start_as_current_span("child", context=extract(environ), kind=trace.SpanKind.SERVER) as span:  # error: CTX104
        return _trace_id(span)


def reported_django_meta():
    request = SimpleNamespace(META=dict(ENVIRON))
    with tracer.start_as_current_span("child", context=extract(request.META), kind=trace.SpanKind.SERVER) as span:  # error: CTX104
        return _trace_id(span)


def reported_lambda_event(event=EVENT, context=None):
    with tracer.start_as_current_span("child", context=extract(event["headers"]), kind=trace.SpanKind.SERVER) as span:  # error: CTX104
        return _trace_id(span)


def reported_consumer_empty_carrier():
    with tracer.start_as_current_span("child", context=extract({}), kind=trace.SpanKind.CONSUMER) as span:  # error: CTX104
        return _trace_id(span)


def reported_outgoing_headers():
    with tracer.start_as_current_span("request", context=extract({"traceparent": REMOTE})):
        properties = SimpleNamespace(headers={})
        parent = extract(properties.headers)
        with tracer.start_as_current_span("child", context=parent, kind=trace.SpanKind.PRODUCER) as span:  # error: CTX104
            inject(properties.headers)
            return _trace_id(span)


def use_instead_request_headers():
    request = SimpleNamespace(headers={"traceparent": REMOTE})
    with tracer.start_as_current_span("child", context=extract(request.headers), kind=trace.SpanKind.SERVER) as span:
        return _trace_id(span)


def use_instead_lambda_event_lower_cased(event=EVENT, context=None):
    headers = {key.lower(): value for key, value in event["headers"].items()}
    with tracer.start_as_current_span("child", context=extract(headers), kind=trace.SpanKind.SERVER) as span:
        return _trace_id(span)


def use_instead_consumer_message_headers():
    message = SimpleNamespace(headers={"traceparent": REMOTE})
    with tracer.start_as_current_span("child", context=extract(message.headers), kind=trace.SpanKind.CONSUMER) as span:
        return _trace_id(span)


def use_instead_outgoing_on_current():
    with tracer.start_as_current_span("request", context=extract({"traceparent": REMOTE})):
        properties = SimpleNamespace(headers={})
        with tracer.start_as_current_span("child", kind=trace.SpanKind.PRODUCER) as span:
            inject(properties.headers)
            return _trace_id(span)
