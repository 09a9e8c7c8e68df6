# ctxlint: opentelemetry = true
# The service declares itself (it sets up tracing where it is deployed).
# An OpenTelemetry project with no messaging library instrumented.
import aio_pika
import boto3
import pika
from aiokafka import AIOKafkaConsumer
from confluent_kafka import Consumer
from kafka import KafkaConsumer
from opentelemetry import context, propagate, trace

tracer = trace.get_tracer(__name__)
sqs = boto3.client("sqs")


def kafka_loop():
    for message in KafkaConsumer("orders"):
        with tracer.start_as_current_span("process-order"):  # error: CTX304
            handle(message.value)


def confluent_loop():
    consumer = Consumer({"group.id": "orders"})
    consumer.subscribe(["orders"])
    while True:
        message = consumer.poll(1.0)
        if message is None:
            continue
        span = tracer.start_span("process-order")  # error: CTX304
        handle(message.value())
        span.end()


async def aiokafka_loop():
    consumer = AIOKafkaConsumer("orders")
    async for message in consumer:
        with tracer.start_as_current_span("process-order"):  # error: CTX304
            handle(message.value)


def sqs_poll():
    response = sqs.receive_message(QueueUrl="https://sqs/jobs")
    for message in response.get("Messages", []):
        with tracer.start_as_current_span("job"):  # error: CTX304
            handle(message["Body"])


def on_job(channel, method, properties, body):
    with tracer.start_as_current_span("job"):  # error: CTX304
        handle(body)


def consume_jobs():
    connection = pika.BlockingConnection(pika.ConnectionParameters("rabbit"))
    channel = connection.channel()
    channel.basic_consume(queue="jobs", on_message_callback=on_job)
    channel.basic_consume(queue="traced-jobs", on_message_callback=on_traced_job)
    channel.start_consuming()


class Worker:
    async def start(self):
        connection = await aio_pika.connect_robust("amqp://rabbit/")
        channel = await connection.channel()
        queue = await channel.declare_queue("jobs")
        await queue.consume(self.on_message)

    @tracer.start_as_current_span("on-message")  # error: CTX304
    async def on_message(self, message):
        handle(message.body)


# --- negatives

def kafka_loop_traced():
    for message in KafkaConsumer("orders"):
        carrier = {key: value.decode() for key, value in message.headers or []}
        with tracer.start_as_current_span("process-order", context=propagate.extract(carrier)):
            handle(message.value)


def confluent_attached():
    consumer = Consumer({"group.id": "orders"})
    while True:
        message = consumer.poll(1.0)
        token = context.attach(propagate.extract(dict(message.headers() or [])))
        try:
            with tracer.start_as_current_span("process-order"):
                handle(message.value())
        finally:
            context.detach(token)


async def aiokafka_linked(link):
    consumer = AIOKafkaConsumer("orders")
    async for message in consumer:
        with tracer.start_as_current_span("batch", links=[link]):
            handle(message.value)


def on_traced_job(channel, method, properties, body):
    parent = propagate.extract(properties.headers or {})
    with tracer.start_as_current_span("job", context=parent):
        handle(body)


def not_a_consumer(items):
    for item in items:
        with tracer.start_as_current_span("item"):
            handle(item)


def span_before_receiving():
    with tracer.start_as_current_span("startup"):
        consumer = Consumer({"group.id": "orders"})
    return consumer


def handle(value):
    with tracer.start_as_current_span("handle"):  # not the consumer loop itself
        return value
