from flask import Flask, g, request
from opentelemetry import context

from app.propagation import start_request

app = Flask(__name__)


@app.before_request
def continue_trace():
    g.otel_token = start_request(dict(request.headers))


@app.teardown_request
def end_trace(exc):
    context.detach(g.otel_token)
