# ctxlint: select = ["CTX1"]
# CTX101: Flask and Quart handlers (decorators, blueprints, add_url_rule, MethodView).
from flask import Blueprint, Flask, request
from flask.views import MethodView
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract
from quart import Quart

app = Flask(__name__)
bp = Blueprint("orders", __name__)
qapp = Quart(__name__)
tracer = trace.get_tracer(__name__)


@app.route("/orders")
def list_orders():
    with tracer.start_as_current_span("db.query", context=Context()):  # error: CTX101
        return []


@bp.post("/orders")
def create_order():
    span = tracer.start_span("validate", extract({}))  # error: CTX101
    span.end()
    return {}


class OrderAPI(MethodView):
    def get(self, order_id):
        with tracer.start_as_current_span("load", context=Context()):  # error: CTX101
            return {}


def legacy_index():
    with tracer.start_as_current_span("legacy", context=Context()):  # error: CTX101
        return "ok"


app.add_url_rule("/legacy", view_func=legacy_index)


@qapp.websocket("/ws")
async def ws():
    with tracer.start_as_current_span("ws.message", context=extract({})):  # error: CTX101
        pass


# --- correct idioms: never reported -------------------------------------------------


@app.get("/health")
def health():
    with tracer.start_as_current_span("health"):
        return "ok"


@app.post("/webhook")
def webhook():
    # manual server-side instrumentation: continue the caller's trace
    parent = extract(request.headers)
    with tracer.start_as_current_span("webhook", context=parent, kind=trace.SpanKind.SERVER):
        return "ok"


@qapp.route("/batch")
async def batch():
    link = trace.Link(trace.get_current_span().get_span_context())
    # a deliberate new trace, linked to the request's trace
    with tracer.start_as_current_span("batch", context=Context(), links=[link]):
        return "ok"


def fresh_trace(name):
    # a helper that starts a new trace on purpose: not an entry point
    return tracer.start_as_current_span(name, context=Context())


class Report(MethodView):
    def render(self):
        # not an HTTP-method handler
        return tracer.start_span("render", context=Context())


with tracer.start_as_current_span("startup", context=Context()):
    pass  # module level: there is no parent
