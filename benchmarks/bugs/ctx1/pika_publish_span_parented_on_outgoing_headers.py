# source: open-telemetry/opentelemetry-python-contrib#719 (publish side, commit 492830f24)
# bug: the basic_publish wrapper builds the PRODUCER span's parent from extract() of the message being sent; an outgoing message has no traceparent yet, so every publish starts a new trace even inside a request
# fix: parent the publish span on context.get_current(), then inject into the headers
import pika
from opentelemetry import propagate, trace

tracer = trace.get_tracer("billing.publisher")


def traced_basic_publish(channel, exchange, routing_key, body, properties=None):
    if properties is None:
        properties = pika.BasicProperties(headers={})
    parent = propagate.extract(properties.headers)
    span = tracer.start_span(  # expect: CTX1
        f"{routing_key} send", context=parent, kind=trace.SpanKind.PRODUCER
    )
    with trace.use_span(span, end_on_exit=True):
        propagate.inject(properties.headers)
        return channel.basic_publish(exchange, routing_key, body, properties)
