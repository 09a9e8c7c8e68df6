# source: open-telemetry/opentelemetry-python-contrib#2589 (commit 4ea9e5a99)
# bug: the Lambda wrapper passes the extracted context only as context= of start_as_current_span; that picks the parent but does not make the extracted W3C baggage current, so the handler sees none
# fix: token = context.attach(parent_context); start_as_current_span without context=; detach in finally
from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("orders.lambda")


def instrument_handler(handler):
    def wrapper(event, lambda_context):
        parent_context = extract(event.get("headers") or {})
        with tracer.start_as_current_span(  # expect: CTX3
            lambda_context.function_name,
            context=parent_context,
            kind=trace.SpanKind.SERVER,
        ):
            return handler(event, lambda_context)

    return wrapper
