from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor as HttpxInstrumentor
from opentelemetry.instrumentation.kafka import KafkaInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.sdk.trace import TracerProvider


def setup():
    trace.set_tracer_provider(TracerProvider())
    RequestsInstrumentor().instrument()
    HttpxInstrumentor().instrument()
    for instrumentor in (FlaskInstrumentor(), KafkaInstrumentor()):
        instrumentor.instrument()


tracer = trace.get_tracer("app")
