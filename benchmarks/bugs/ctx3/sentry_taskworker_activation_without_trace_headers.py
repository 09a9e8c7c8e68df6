# source: getsentry/sentry#81831 (refs #80054, #80254)
# bug: task activations were produced to Kafka with no sentry-trace/baggage in their headers, so a task spawned by an API request ran in a new trace
# fix: put sentry_sdk.get_traceparent() and get_baggage() into the activation headers; workers continue_trace() from them
import json
from uuid import uuid4

from arroyo.backends.kafka import KafkaPayload, KafkaProducer
from arroyo.types import Topic
from sentry_protos.taskbroker.v1.taskbroker_pb2 import TaskActivation


class TaskNamespace:
    def __init__(self, name: str, topic: str, producer: KafkaProducer):
        self.name = name
        self.topic = Topic(topic)
        self.producer = producer

    def create_activation(self, task_name, args, kwargs) -> TaskActivation:
        return TaskActivation(
            id=uuid4().hex,
            namespace=self.name,
            taskname=task_name,
            parameters=json.dumps({"args": args, "kwargs": kwargs}),
            headers={},
        )

    def send_task(self, activation: TaskActivation) -> None:
        payload = KafkaPayload(key=None, value=activation.SerializeToString(), headers=[])
        self.producer.produce(self.topic, payload)  # expect: CTX3
