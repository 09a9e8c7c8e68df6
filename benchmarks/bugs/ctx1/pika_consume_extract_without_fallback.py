# source: open-telemetry/opentelemetry-python-contrib#719 (consume side, commit 492830f24)
# bug: the consumer callback wrapper parents its span on extract(properties.headers) only; a message without trace headers yields an empty Context, so the span is a new root even when a span is current around process_data_events
# fix: ctx = extract(headers); if not ctx: ctx = context.get_current()
import pika
from opentelemetry import propagate, trace

tracer = trace.get_tracer("billing.consumer")


def decorate_callback(callback, queue_name):
    def traced(channel, method, properties, body):
        if not properties:
            properties = pika.BasicProperties(headers={})
        ctx = propagate.extract(properties.headers or {})
        span = tracer.start_span(  # expect: CTX1
            f"{queue_name} receive", context=ctx, kind=trace.SpanKind.CONSUMER
        )
        with trace.use_span(span, end_on_exit=True):
            return callback(channel, method, properties, body)

    return traced


def start(channel):
    channel.basic_consume("invoices", decorate_callback(handle_invoice, "invoices"))


def handle_invoice(channel, method, properties, body):
    channel.basic_ack(method.delivery_tag)
