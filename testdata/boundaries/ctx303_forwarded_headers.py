# ctxlint: opentelemetry = true
# Regression (blockchain-forensics backend/app/workers/dlq_replayer.py): a message replayed
# or relayed with the headers of the message it came from keeps that message's trace
# context; the publish is not missing an inject.
import pika
from confluent_kafka import Consumer, Producer
from kafka import KafkaProducer

producer = Producer({"bootstrap.servers": "kafka:9092"})
relay = KafkaProducer(bootstrap_servers="kafka:9092")
channel = pika.BlockingConnection().channel()


def replay_dead_letters(consumer: Consumer):
    while True:
        msg = consumer.poll(1.0)
        if msg is None:
            break
        producer.produce(topic="orders", key=msg.key(), value=msg.value(), headers=msg.headers())


def relay_record(record):
    relay.send("audit", record.value, headers=record.headers)


def requeue(ch, method, properties, body):
    channel.basic_publish(exchange="", routing_key="retry", body=body, properties=properties)


def publish(topic, payload, headers):
    relay.send(topic, payload, headers=headers)  # the caller chose the headers


def stamped(payload):
    headers = [("source", b"api")]
    relay.send("audit", payload, headers=headers)  # error: CTX303


def bounce(message):
    channel.basic_publish(exchange="", routing_key="retry", body=message.body, properties=message.properties)


class Outbox:
    def __init__(self):
        self.headers = [("source", b"outbox")]

    def flush(self, payload):
        producer.produce("outbox", payload, headers=self.headers)  # error: CTX303


def fresh(payload):
    relay.send("audit", payload, headers=[("source", b"api")])  # error: CTX303
