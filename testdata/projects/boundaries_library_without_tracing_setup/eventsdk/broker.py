from kafka import KafkaConsumer, KafkaProducer
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class EventPublisher:
    def __init__(self, servers):
        self.producer = KafkaProducer(bootstrap_servers=servers)

    def publish(self, topic, payload):
        self.producer.send(topic, payload)


def consume(topic, handle):
    for message in KafkaConsumer(topic):
        with tracer.start_as_current_span("eventsdk.consume"):
            handle(message.value)
