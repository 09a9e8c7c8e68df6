# source: open-telemetry/opentelemetry-python-contrib#1732 (the workaround given for the consume-span behaviour)
# bug: looks like a processing span started in a Kafka loop body where the instrumentation's consume span has already ended
# fix: n/a: the record's headers are extracted and passed as the parent
# expect: none
from typing import List, Optional

from kafka import KafkaConsumer
from opentelemetry import trace
from opentelemetry.instrumentation.kafka import KafkaInstrumentor
from opentelemetry.propagate import extract
from opentelemetry.propagators.textmap import Getter
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
KafkaInstrumentor().instrument()
tracer = trace.get_tracer("billing.consumer")


class RecordHeaders(Getter):
    def get(self, carrier, key: str) -> Optional[List[str]]:
        return [v.decode() for k, v in carrier or () if k == key and v is not None] or None

    def keys(self, carrier) -> List[str]:
        return [k for k, _ in carrier or ()]


def run():
    consumer = KafkaConsumer("orders", bootstrap_servers="kafka:9092", group_id="billing")
    for record in consumer:
        parent = extract(record.headers, getter=RecordHeaders())
        with tracer.start_as_current_span("process order", context=parent):
            print(record.value)
