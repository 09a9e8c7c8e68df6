# source: open-telemetry/opentelemetry-python-contrib#740 (commit bf41b2e33)
# bug: a publish without properties gets a fresh BasicProperties(), whose headers default to None; inject() into None puts nothing on the message, so the consumer starts a new trace
# fix: create BasicProperties(headers={}) (and set headers = {} when they are None) before inject()
import pika
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("billing.publisher")


def publish_invoice(channel, routing_key, body, properties=None):
    if not properties:
        properties = pika.BasicProperties()
    with tracer.start_as_current_span(f"{routing_key} send", kind=trace.SpanKind.PRODUCER):
        propagate.inject(properties.headers)
        return channel.basic_publish(  # expect: CTX3
            exchange="", routing_key=routing_key, body=body, properties=properties
        )
