# ctxlint: select = ["CTX1"]
# CTX102: a call whose only effect is the Context it returns, used as a statement.
import contextvars

import opentelemetry.propagate as propagate
from opentelemetry import baggage, context, trace
from opentelemetry.baggage import set_baggage
from opentelemetry.propagate import extract
from opentelemetry.trace.propagation import set_span_in_context

tracer = trace.get_tracer(__name__)


def tag_request(tenant_id, user_id):
    baggage.set_baggage("tenant.id", tenant_id)  # error: CTX102
    set_baggage("user.id", user_id)  # error: CTX102
    baggage.remove_baggage("session")  # error: CTX102
    baggage.clear()  # error: CTX102


def continue_trace(headers):
    extract(headers)  # error: CTX102
    propagate.get_global_textmap().extract(headers)  # error: CTX102
    with tracer.start_as_current_span("consume"):
        pass


def make_current(span):
    trace.set_span_in_context(span)  # error: CTX102
    set_span_in_context(span)  # error: CTX102
    context.set_value("request.id", "r-1")  # error: CTX102


def snapshot():
    contextvars.copy_context()  # error: CTX102


def local_import(headers):
    from opentelemetry import propagate as p

    p.extract(headers)  # error: CTX102


# --- correct idioms: never reported -------------------------------------------------


def tag_request_correctly(tenant_id):
    token = context.attach(baggage.set_baggage("tenant.id", tenant_id))
    try:
        return baggage.get_baggage("tenant.id")
    finally:
        context.detach(token)


def continue_trace_correctly(headers):
    with tracer.start_as_current_span("consume", context=extract(headers)):
        pass


def returned(span):
    return trace.set_span_in_context(span)


def stored(span, holder):
    holder.ctx = trace.set_span_in_context(span)
    holder.snapshots.append(contextvars.copy_context())


def unrelated_clear(cache, items):
    cache.clear()  # a dict's clear, not baggage.clear
    items.extract()
    propagate.inject(items)
