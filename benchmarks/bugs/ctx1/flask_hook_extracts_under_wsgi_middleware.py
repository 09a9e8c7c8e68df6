# source: open-telemetry/opentelemetry-python-contrib#828 (fixes #446; same fix for falcon #867, pyramid #869)
# bug: the Flask before_request hook attaches extract(environ) although the WSGI middleware already made its server span current: two traces (or siblings) per request
# fix: only extract when get_current_span() is INVALID_SPAN; otherwise parent on context.get_current() with kind INTERNAL
from flask import Flask, request
from opentelemetry import context, trace
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from opentelemetry.propagate import extract

tracer = trace.get_tracer("orders.web")
app = Flask(__name__)
app.wsgi_app = OpenTelemetryMiddleware(app.wsgi_app)


@app.before_request
def open_request_span():
    environ = request.environ
    token = context.attach(extract(environ))  # expect: CTX1
    span = tracer.start_span(request.endpoint or "request", kind=trace.SpanKind.SERVER)
    activation = trace.use_span(span, end_on_exit=True)
    activation.__enter__()
    environ["orders.activation"] = activation
    environ["orders.token"] = token


@app.teardown_request
def close_request_span(exc):
    activation = request.environ.pop("orders.activation", None)
    if activation is not None:
        activation.__exit__(None, None, None)
    context.detach(request.environ.pop("orders.token"))


@app.route("/orders")
def list_orders():
    return {"orders": []}
