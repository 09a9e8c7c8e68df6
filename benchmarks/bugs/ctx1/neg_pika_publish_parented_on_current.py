# source: open-telemetry/opentelemetry-python-contrib#719 (the fixed publish side)
# bug: looks like a producer span started with an explicit context= that could drop the caller's trace
# fix: n/a: the explicit context is context.get_current(), the caller's trace
# expect: none
import pika
from opentelemetry import context, propagate, trace

tracer = trace.get_tracer("billing.publisher")


def traced_basic_publish(channel, exchange, routing_key, body, properties=None):
    if properties is None:
        properties = pika.BasicProperties(headers={})
    span = tracer.start_span(
        f"{routing_key} send",
        context=context.get_current(),
        kind=trace.SpanKind.PRODUCER,
    )
    with trace.use_span(span, end_on_exit=True):
        propagate.inject(properties.headers)
        return channel.basic_publish(exchange, routing_key, body, properties)
