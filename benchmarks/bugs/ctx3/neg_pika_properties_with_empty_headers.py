# source: open-telemetry/opentelemetry-python-contrib#740 (the fixed version)
# bug: looks like inject() into message properties whose headers may be None
# fix: n/a: the properties are created with headers={}, and None headers are replaced before inject()
# expect: none
import pika
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("billing.publisher")


def publish_invoice(channel, routing_key, body, properties=None):
    if not properties:
        properties = pika.BasicProperties(headers={})
    if properties.headers is None:
        properties.headers = {}
    with tracer.start_as_current_span(f"{routing_key} send", kind=trace.SpanKind.PRODUCER):
        propagate.inject(properties.headers)
        return channel.basic_publish(
            exchange="", routing_key=routing_key, body=body, properties=properties
        )
