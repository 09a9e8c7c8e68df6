from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.sdk.trace import TracerProvider


def setup_tracing(app):
    trace.set_tracer_provider(TracerProvider())
    FastAPIInstrumentor.instrument_app(app)
    RequestsInstrumentor().instrument()
