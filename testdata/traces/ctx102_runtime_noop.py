# ctxlint: select = ["CTX1"]
# CTX102 run for real: tests/test_traces.py lints this file and also runs every function
# with the OpenTelemetry SDK. Each `reported_*` function returns what the discarded call
# was meant to change, and it is unchanged; each `use_instead_*` one shows the change.
from opentelemetry import baggage, context, trace
from opentelemetry.propagate import extract

tracer = trace.get_tracer(__name__)
REMOTE = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}


def reported_set_baggage():
    baggage.set_baggage("tenant", "acme")  # error: CTX102
    return baggage.get_baggage("tenant")


def use_instead_set_baggage():
    token = context.attach(baggage.set_baggage("tenant", "acme"))
    try:
        return baggage.get_baggage("tenant")
    finally:
        context.detach(token)


def reported_set_value():
    context.set_value("request.id", "r-1")  # error: CTX102
    return context.get_value("request.id")


def use_instead_set_value():
    token = context.attach(context.set_value("request.id", "r-1"))
    try:
        return context.get_value("request.id")
    finally:
        context.detach(token)


def reported_set_span_in_context():
    span = tracer.start_span("made-current")
    trace.set_span_in_context(span)  # error: CTX102
    current = trace.get_current_span() is span
    span.end()
    return current


def use_instead_set_span_in_context():
    span = tracer.start_span("made-current")
    token = context.attach(trace.set_span_in_context(span))
    try:
        return trace.get_current_span() is span
    finally:
        context.detach(token)
        span.end()


def reported_extract():
    extract(REMOTE)  # error: CTX102
    with tracer.start_as_current_span("consume") as span:
        return format(span.get_span_context().trace_id, "032x")


def use_instead_extract():
    with tracer.start_as_current_span("consume", context=extract(REMOTE)) as span:
        return format(span.get_span_context().trace_id, "032x")
