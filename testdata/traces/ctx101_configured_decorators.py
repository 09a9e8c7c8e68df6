# ctxlint: select = ["CTX1"]
# ctxlint: entry-point-decorators = ["bus.subscribe", "app.messaging.handler", "consumer"]
# CTX101: handlers marked by the project's own decorators (`entry-point-decorators`).
from opentelemetry import trace
from opentelemetry.context import Context

from app.messaging import handler
from app.queue import consumer
from app.wiring import service

from . import bus

tracer = trace.get_tracer(__name__)


@bus.subscribe("orders.created")
def on_order_created(event):
    with tracer.start_as_current_span("order-created", context=Context()):  # error: CTX101
        pass


@handler(topic="payments")
def on_payment(event):
    with tracer.start_as_current_span("payment", context=Context()):  # error: CTX101
        pass


@consumer
async def on_refund(event):
    with tracer.start_as_current_span("refund", context=Context()):  # error: CTX101
        pass


@service.bus.subscribe("orders.cancelled")
def on_order_cancelled(event):
    with tracer.start_as_current_span("order-cancelled", context=Context()):  # error: CTX101
        pass


# --- correct idioms: never reported -------------------------------------------------


@bus.subscribe("orders.shipped")
def on_order_shipped(event):
    with tracer.start_as_current_span("order-shipped"):
        pass


@bus.publish("orders.created")
def announce(event):
    # `bus.publish` is not a configured entry-point decorator
    with tracer.start_as_current_span("announce", context=Context()):
        pass


def schedule():
    with tracer.start_as_current_span("schedule", context=Context()):
        pass
