import pika
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def store(body):
    with tracer.start_as_current_span("store"):  # mutate: helper
        return body


def on_message(channel, method, properties, body):
    with tracer.start_as_current_span("orders.consume"):  # mutate: handler
        store(body)
        channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
    channel = connection.channel()
    channel.queue_declare(queue="orders", durable=True)
    channel.basic_qos(prefetch_count=1)
    channel.basic_consume(queue="orders", on_message_callback=on_message)
    channel.start_consuming()
