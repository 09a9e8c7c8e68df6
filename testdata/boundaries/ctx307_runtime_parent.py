# Run with the real SDK by tests/test_boundaries.py: the parent that the injected
# `traceparent` names. Injected before the CLIENT span starts, it names the outer span.
from opentelemetry import trace
from opentelemetry.propagate import inject

tracer = trace.get_tracer(__name__)


def _ids(outer, client, carrier):
    return {
        "outer": format(outer.get_span_context().span_id, "016x"),
        "client": format(client.get_span_context().span_id, "016x"),
        "sent_parent": carrier["traceparent"].split("-")[2],
    }


def reported_inject_before_client_span():
    with tracer.start_as_current_span("handler") as outer:
        carrier = {}
        inject(carrier)  # error: CTX307
        with tracer.start_as_current_span("invoke", kind=trace.SpanKind.CLIENT) as client:
            return _ids(outer, client, carrier)


def use_instead_inject_inside_client_span():
    with tracer.start_as_current_span("handler") as outer:
        with tracer.start_as_current_span("invoke", kind=trace.SpanKind.CLIENT) as client:
            carrier = {}
            inject(carrier)
            return _ids(outer, client, carrier)
