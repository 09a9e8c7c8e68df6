from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from app.main import app


def instrument():
    FastAPIInstrumentor.instrument_app(app)
