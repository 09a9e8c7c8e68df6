from kafka import KafkaConsumer, KafkaProducer
from opentelemetry import propagate, trace

tracer = trace.get_tracer(__name__)
producer = KafkaProducer(bootstrap_servers="kafka:9092")


def order_placed(order_id):
    carrier = {}
    propagate.inject(carrier)
    producer.send("orders", order_id.encode(), headers=[(k, v.encode()) for k, v in carrier.items()])


def order_cancelled(order_id):
    producer.send("cancellations", order_id.encode())  # error: CTX303


def consume():
    for message in KafkaConsumer("orders"):
        carrier = {key: value.decode() for key, value in message.headers}
        with tracer.start_as_current_span("ship", context=propagate.extract(carrier)):
            ship(message.value)


def consume_cancellations():
    for message in KafkaConsumer("cancellations"):
        with tracer.start_as_current_span("cancel"):  # error: CTX304
            ship(message.value)


def ship(value):
    return value
