# An OpenTelemetry project with no messaging library instrumented.
import aio_pika
import boto3
import pika
from aiokafka import AIOKafkaProducer
from confluent_kafka import Producer
from kafka import KafkaProducer
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.confluent_kafka import ConfluentKafkaInstrumentor
from opentelemetry.instrumentation.pika import PikaInstrumentor

tracer = trace.get_tracer(__name__)
producer = KafkaProducer(bootstrap_servers="kafka:9092")
sqs = boto3.client("sqs")


def order_placed(order):
    producer.send("orders", order)  # error: CTX303


def confluent(order):
    p = Producer({"bootstrap.servers": "kafka:9092"})
    p.produce("orders", value=order)  # error: CTX303
    p.flush()


async def aiokafka_send(order):
    async_producer = AIOKafkaProducer(bootstrap_servers="kafka:9092")
    await async_producer.start()
    await async_producer.send_and_wait("orders", order)  # error: CTX303


def rabbit(body):
    connection = pika.BlockingConnection(pika.ConnectionParameters("rabbit"))
    channel = connection.channel()
    channel.basic_publish(exchange="", routing_key="jobs", body=body)  # error: CTX303


async def aio_rabbit(body):
    connection = await aio_pika.connect_robust("amqp://rabbit/")
    channel = await connection.channel()
    await channel.default_exchange.publish(aio_pika.Message(body=body), routing_key="jobs")  # error: CTX303


def queue_message(body):
    sqs.send_message(QueueUrl="https://sqs/jobs", MessageBody=body)  # error: CTX303


class Notifier:
    def __init__(self):
        self.sns = boto3.client("sns", region_name="eu-west-1")

    def notify(self, text):
        self.sns.publish(TopicArn="arn:aws:sns:topic", Message=text)  # error: CTX303


# --- negatives

def order_placed_traced(order):
    carrier = {}
    propagate.inject(carrier)
    headers = [(key, value.encode()) for key, value in carrier.items()]
    producer.send("orders", order, headers=headers)


def queue_message_traced(body):
    attributes = {}
    propagate.inject(attributes)
    sqs.send_message(
        QueueUrl="https://sqs/jobs",
        MessageBody=body,
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


def rabbit_traced(body):
    headers = {}
    propagate.inject(headers)
    connection = pika.BlockingConnection(pika.ConnectionParameters("rabbit"))
    channel = connection.channel()
    channel.basic_publish("", "jobs", body, properties=pika.BasicProperties(headers=headers))


def rabbit_instrumented_channel(body):
    connection = pika.BlockingConnection(pika.ConnectionParameters("rabbit"))
    jobs_channel = connection.channel()
    PikaInstrumentor.instrument_channel(jobs_channel)
    jobs_channel.basic_publish(exchange="", routing_key="jobs", body=body)


def confluent_wrapped(order):
    wrapped = ConfluentKafkaInstrumentor().instrument_producer(Producer({"bootstrap.servers": "k"}))
    wrapped.produce("orders", value=order)


def unknown_producer(queue, order):
    queue.send("orders", order)  # not known to be a Kafka producer


def storage(data):
    s3 = boto3.client("s3")
    s3.put_object(Bucket="b", Key="k", Body=data)
    ses = boto3.client("ses")
    ses.send_email(Source="a", Destination={}, Message={})


def socket_send(sock, data):
    sock.send(data)
