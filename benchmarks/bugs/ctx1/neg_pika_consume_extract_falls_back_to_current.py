# source: open-telemetry/opentelemetry-python-contrib#719 (the fixed consume side)
# bug: looks like a consumer span parented on extract() of headers that may be empty
# fix: n/a: an empty extraction falls back to context.get_current(), and the context is attached for the callback (as opentelemetry-instrumentation-pika 0.66 does)
# expect: none
import pika
from opentelemetry import context, propagate, trace

tracer = trace.get_tracer("billing.consumer")


def decorate_callback(callback, queue_name):
    def traced(channel, method, properties, body):
        if not properties:
            properties = pika.BasicProperties(headers={})
        ctx = propagate.extract(properties.headers or {})
        if not ctx:
            ctx = context.get_current()
        token = context.attach(ctx)  # the handler sees the producer's baggage too
        span = tracer.start_span(
            f"{queue_name} receive", context=ctx, kind=trace.SpanKind.CONSUMER
        )
        try:
            with trace.use_span(span, end_on_exit=True):
                return callback(channel, method, properties, body)
        finally:
            context.detach(token)

    return traced


def start(channel):
    channel.basic_consume("invoices", decorate_callback(handle_invoice, "invoices"))


def handle_invoice(channel, method, properties, body):
    channel.basic_ack(method.delivery_tag)
