# source: open-telemetry/opentelemetry-python-contrib#828 (the fixed version)
# bug: looks like a request hook that may attach an extracted context over the current span
# fix: n/a: extraction happens only when no span is current; otherwise the current context is the parent
# expect: none
from flask import Flask, request
from opentelemetry import context, trace
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware, wsgi_getter
from opentelemetry.propagate import extract

tracer = trace.get_tracer("orders.web")
app = Flask(__name__)
app.wsgi_app = OpenTelemetryMiddleware(app.wsgi_app)


@app.before_request
def open_request_span():
    environ = request.environ
    token = None
    if trace.get_current_span() is trace.INVALID_SPAN:
        parent = extract(environ, getter=wsgi_getter)
        token = context.attach(parent)
        kind = trace.SpanKind.SERVER
    else:
        parent = context.get_current()
        kind = trace.SpanKind.INTERNAL
    span = tracer.start_span(request.endpoint or "request", parent, kind=kind)
    activation = trace.use_span(span, end_on_exit=True)
    activation.__enter__()
    environ["orders.activation"] = activation
    environ["orders.token"] = token


@app.teardown_request
def close_request_span(exc):
    activation = request.environ.pop("orders.activation", None)
    if activation is not None:
        activation.__exit__(None, None, None)
    token = request.environ.pop("orders.token", None)
    if token is not None:
        context.detach(token)
