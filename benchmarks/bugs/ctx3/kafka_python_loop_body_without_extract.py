# source: open-telemetry/opentelemetry-python-contrib#1732 (labelled bug; instrumentation behaviour in kafka/utils.py _wrap_next)
# bug: with KafkaInstrumentor the consume span is started and ended inside KafkaConsumer.__next__, so the body of `for record in consumer` runs with no parent and its processing span starts a new trace
# fix: in the loop body, extract(record.headers) with a Kafka getter and pass context= (or attach it)
from kafka import KafkaConsumer
from opentelemetry import trace
from opentelemetry.instrumentation.kafka import KafkaInstrumentor
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
KafkaInstrumentor().instrument()
tracer = trace.get_tracer("billing.consumer")


def handle(value):
    return value


def run():
    consumer = KafkaConsumer("orders", bootstrap_servers="kafka:9092", group_id="billing")
    for record in consumer:
        with tracer.start_as_current_span("process order"):  # expect: CTX3
            handle(record.value)
