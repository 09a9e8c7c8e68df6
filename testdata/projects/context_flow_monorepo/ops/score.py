from opentelemetry.instrumentation.requests import RequestsInstrumentor


def init():
    # the scoring script of a deployment: its own process, which imports no SDK code
    RequestsInstrumentor().instrument()
