# Regression (lightstep/opentelemetry-examples manual_instrumentation/server.py): the
# route handlers extract the caller's context themselves, so the uninstrumented Flask app
# does not lose incoming traces.
from flask import Flask, request
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

tracer = trace.get_tracer(__name__)
app = Flask(__name__)


@app.route("/ping")
def ping():
    ctx = TraceContextTextMapPropagator().extract(dict(request.headers))
    with tracer.start_as_current_span("/ping", context=ctx):
        return "pong"
