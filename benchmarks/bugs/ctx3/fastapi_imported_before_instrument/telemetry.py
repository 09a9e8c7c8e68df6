from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider


def configure_tracing():
    trace.set_tracer_provider(TracerProvider())
    FastAPIInstrumentor().instrument()
