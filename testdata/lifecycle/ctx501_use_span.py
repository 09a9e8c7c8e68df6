# CTX501: `use_span` (end_on_exit=False by default) and `start_as_current_span(end_on_exit=False)`.
from opentelemetry import trace
from opentelemetry.trace import use_span

tracer = trace.get_tracer(__name__)


def made_current_but_never_ended(message):
    span = tracer.start_span("consume")  # error: CTX501
    with trace.use_span(span):
        handle(message)


def inline_use_span(message):
    with use_span(tracer.start_span("consume")):  # error: CTX501
        handle(message)


def explicit_false(message):
    span = tracer.start_span("consume")  # error: CTX501
    with use_span(span, end_on_exit=False):
        handle(message)
    return message


def current_span_left_open(message):
    with tracer.start_as_current_span("consume", end_on_exit=False) as span:  # error: CTX501
        span.set_attribute("size", len(message))
        handle(message)


def current_span_without_name(message):
    with tracer.start_as_current_span("consume", end_on_exit=False):  # error: CTX501
        handle(message)


# --- use instead --------------------------------------------------------------------


def use_span_and_end(message):
    span = tracer.start_span("consume")
    with trace.use_span(span, end_on_exit=True):
        handle(message)


def use_span_positional_true(message):
    with trace.use_span(tracer.start_span("consume"), True):
        handle(message)


def use_span_then_end(message):
    span = tracer.start_span("consume")
    try:
        with trace.use_span(span):
            handle(message)
    finally:
        span.end()


def use_span_alias_ended(message):
    with trace.use_span(tracer.start_span("consume")) as current:
        handle(message)
    current.end()


def current_span_ended_later(message):
    with tracer.start_as_current_span("consume", end_on_exit=False) as span:
        handle(message)
    span.end()


def current_span_kept(self, message):
    with tracer.start_as_current_span("consume", end_on_exit=False) as span:
        self.pending = span


def current_span_ended_inside(message):
    with tracer.start_as_current_span("consume", end_on_exit=False):
        handle(message)
        trace.get_current_span().end()


def default_end_on_exit(message):
    with tracer.start_as_current_span("consume"):
        handle(message)


def unknown_end_on_exit(message, owned):
    with tracer.start_as_current_span("consume", end_on_exit=owned):
        handle(message)


def handle(message):
    return message
