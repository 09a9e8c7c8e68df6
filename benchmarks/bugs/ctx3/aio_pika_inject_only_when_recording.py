# source: open-telemetry/opentelemetry-python-contrib#1969 (commit b29682b56, aio-pika and pika)
# bug: the publisher injects the trace context only when its span is recording; for unsampled traces no traceparent (with its sampled=0 flag) is sent and the consumer makes a fresh sampling decision in a new trace
# fix: inject unconditionally; the sampled flag must travel with the message
import aio_pika
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("events.publisher")


async def publish_event(exchange: aio_pika.abc.AbstractExchange, routing_key: str, payload: bytes):
    message = aio_pika.Message(body=payload, headers={})
    with tracer.start_as_current_span(f"{routing_key} send", kind=trace.SpanKind.PRODUCER) as span:
        if span.is_recording():
            propagate.inject(message.headers)
        await exchange.publish(message, routing_key=routing_key)  # expect: CTX3
