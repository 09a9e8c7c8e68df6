# CTX501: spans started with `tracer.start_span` that are never ended.
from opentelemetry import trace
from opentelemetry.trace import Tracer

tracer = trace.get_tracer(__name__)


def discarded(order):
    tracer.start_span("charge")  # error: CTX501
    return order


def bound_and_only_annotated(order):
    span = tracer.start_span("charge")  # error: CTX501
    span.set_attribute("order.id", order)
    if span.is_recording():
        span.add_event("charged")
    return order


def chained_attribute_drops_the_span(order):
    tracer.start_span("charge").set_attribute("order.id", order)  # error: CTX501
    parent = tracer.start_span("parent").get_span_context()  # error: CTX501
    return parent


class Worker:
    def __init__(self):
        self.tracer = trace.get_tracer("worker")

    def run(self, job):
        span = self.tracer.start_span("job")  # error: CTX501
        job()


def annotated_tracer(tracer: Tracer):
    started: trace.Span = tracer.start_span("annotated")  # error: CTX501
    print("work")


def provider_tracer():
    span = trace.get_tracer_provider().get_tracer("x").start_span("from-provider")  # error: CTX501
    return None


# --- use instead: every one of these ends the span ---------------------------------


def ended_in_finally(order):
    span = tracer.start_span("charge")
    try:
        return order
    finally:
        span.end()


def with_start_span():
    with tracer.start_span("charge") as span:
        span.set_attribute("ok", True)
    with tracer.start_span("no-name"):
        pass


def ended_directly():
    tracer.start_span("instant").end()


def with_span_object():
    span = tracer.start_span("cm")
    with span:
        pass
