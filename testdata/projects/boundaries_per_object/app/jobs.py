import pika
from opentelemetry.instrumentation.pika import PikaInstrumentor

connection = pika.BlockingConnection(pika.ConnectionParameters("rabbit"))
jobs_channel = connection.channel()
PikaInstrumentor.instrument_channel(jobs_channel)
audit_channel = connection.channel()


def enqueue(body):
    jobs_channel.basic_publish(exchange="", routing_key="jobs", body=body)


def audit(body):
    audit_channel.basic_publish(exchange="", routing_key="audit", body=body)  # error: CTX303
