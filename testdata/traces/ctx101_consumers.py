# ctxlint: select = ["CTX1"]
# CTX101: message-consumer callbacks (pika basic_consume, aio-pika queue.consume, kombu).
import functools

import aio_pika
import pika
from kombu import Connection, Consumer, Queue
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract

tracer = trace.get_tracer(__name__)


def on_order(channel, method, properties, body):
    with tracer.start_as_current_span("order", context=Context()):  # error: CTX101
        channel.basic_ack(delivery_tag=method.delivery_tag)


def on_refund(channel, method, properties, body, store=None):
    with tracer.start_as_current_span("refund", context=extract({})):  # error: CTX101
        channel.basic_ack(delivery_tag=method.delivery_tag)


async def on_payment(message: aio_pika.abc.AbstractIncomingMessage):
    async with message.process():
        with tracer.start_as_current_span("payment", context=Context()):  # error: CTX101
            pass


def on_task(body, message):
    with tracer.start_as_current_span("task", context=Context()):  # error: CTX101
        message.ack()


class Worker:
    def __init__(self, channel):
        self.channel = channel

    def start(self):
        self.channel.basic_consume(queue="audit", on_message_callback=self.on_audit)
        self.channel.start_consuming()

    def on_audit(self, channel, method, properties, body):
        with tracer.start_as_current_span("audit", context=Context()):  # error: CTX101
            pass


def consume_forever():
    connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    channel = connection.channel()
    channel.basic_consume(queue="orders", on_message_callback=on_order)
    channel.basic_consume("refunds", functools.partial(on_refund, store=None))
    channel.start_consuming()


async def consume_payments():
    connection = await aio_pika.connect_robust("amqp://guest:guest@localhost/")
    channel = await connection.channel()
    queue = await channel.declare_queue("payments")
    await queue.consume(on_payment)


def consume_tasks():
    with Connection("amqp://localhost//") as conn:
        with Consumer(conn, queues=[Queue("tasks")], callbacks=[on_task]):
            conn.drain_events()


def traced_callback(callback, queue_name):
    # a tracing wrapper around the caller's callback: it runs inside whatever span the
    # caller's consume loop has open, so a message without headers must not make a root
    def traced(channel, method, properties, body):
        ctx = extract(properties.headers or {})
        with tracer.start_as_current_span(f"{queue_name} receive", context=ctx):  # error: CTX101
            return callback(channel, method, properties, body)

    return traced


def consume_audit(channel):
    channel.basic_consume("audit", traced_callback(on_order, "audit"))


# --- correct idioms: never reported -------------------------------------------------


def traced_callback_with_fallback(callback, queue_name):
    def traced_fallback(channel, method, properties, body):
        ctx = extract(properties.headers or {}) or None
        with tracer.start_as_current_span(f"{queue_name} receive", context=ctx):
            return callback(channel, method, properties, body)

    return traced_fallback


def consume_refunds(channel):
    channel.basic_consume("refunds", traced_callback_with_fallback(on_order, "refunds"))


def on_invoice(channel, method, properties, body):
    parent = extract(properties.headers or {})
    with tracer.start_as_current_span("invoice", context=parent, kind=trace.SpanKind.CONSUMER):
        channel.basic_ack(delivery_tag=method.delivery_tag)


def publish_heartbeat():
    # not a consumer callback: runs from a scheduler with no parent
    with tracer.start_as_current_span("heartbeat", context=Context()):
        pass


def consume_invoices(channel):
    channel.basic_consume(queue="invoices", on_message_callback=on_invoice)
