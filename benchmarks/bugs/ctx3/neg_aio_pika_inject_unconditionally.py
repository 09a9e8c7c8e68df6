# source: open-telemetry/opentelemetry-python-contrib#1969 (the fixed version)
# bug: looks like a publish whose injection depends on the span
# fix: n/a: inject() always runs before publish(), so the sampled flag travels even for unsampled traces
# expect: none
import aio_pika
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("events.publisher")


async def publish_event(exchange: aio_pika.abc.AbstractExchange, routing_key: str, payload: bytes):
    message = aio_pika.Message(body=payload, headers={})
    with tracer.start_as_current_span(f"{routing_key} send", kind=trace.SpanKind.PRODUCER) as span:
        if span.is_recording():
            span.set_attribute("messaging.message.body.size", len(payload))
        propagate.inject(message.headers)
        await exchange.publish(message, routing_key=routing_key)
