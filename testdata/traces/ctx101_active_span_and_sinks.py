# ctxlint: select = ["CTX1"]
# ctxlint: target-version = "py314"
# CTX101: inside an active span; every sink (start_span, attach, create_task, call_soon,
# Thread(context=), Context().run) and contexts derived from an empty one.
import asyncio
import contextvars
import threading

from opentelemetry import baggage, context, trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract
from opentelemetry.trace import set_span_in_context

tracer = trace.get_tracer(__name__)


def nightly_export(rows):
    with tracer.start_as_current_span("export"):
        for row in rows:
            with tracer.start_as_current_span("row", context=Context()):  # error: CTX101
                pass
        token = context.attach(extract(carrier={}))  # error: CTX101
        context.detach(token)


@tracer.start_as_current_span("reconcile")
def reconcile(accounts):
    empty = Context()
    span = tracer.start_span("account", empty)  # error: CTX101
    span.end()


async def refresh_cache(keys):
    with tracer.start_as_current_span("refresh"):
        await asyncio.create_task(load(keys), context=contextvars.Context())  # error: CTX101
        loop = asyncio.get_running_loop()
        loop.call_soon(print, "refreshed", context=contextvars.Context())  # error: CTX101


def rebuild_index():
    with trace.use_span(tracer.start_span("rebuild"), end_on_exit=True):
        worker = threading.Thread(target=print, context=contextvars.Context())  # error: CTX101
        worker.start()
        contextvars.Context().run(print, "rebuilt")  # error: CTX101


def sync_tenants(tenants):
    with tracer.start_as_current_span("sync"):
        only_tenant = baggage.set_baggage("tenant", "t1", context=Context())
        token = context.attach(only_tenant)  # error: CTX101
        context.detach(token)
        span = trace.get_current_span()
        token = context.attach(set_span_in_context(span, Context()))  # error: CTX101
        context.detach(token)
        child = tracer.start_span("child", context=baggage.set_baggage("k", "v", Context()))  # error: CTX101
        child.end()


async def load(keys):
    return keys


# --- correct idioms: never reported -------------------------------------------------


def weekly_export(rows):
    # outside any entry point or span: a fresh trace per run is the point
    with tracer.start_as_current_span("weekly", context=Context()):
        for row in rows:
            pass


def per_item_traces(items):
    with tracer.start_as_current_span("batch") as batch:
        link = trace.Link(batch.get_span_context())
        for item in items:
            with tracer.start_as_current_span("item", context=Context(), links=[link]):
                pass


def with_item_itself():
    # the `with` item does not enclose its own expression
    with tracer.start_as_current_span("job", context=Context()):
        pass


def parent_from_span():
    with tracer.start_as_current_span("outer") as outer:
        # parents correctly under `outer`; only used as a span parent
        with tracer.start_as_current_span("inner", context=set_span_in_context(outer, Context())):
            pass
        token = context.attach(baggage.set_baggage("k", "v"))
        context.detach(token)
        carrier = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
        with tracer.start_as_current_span("remote", context=extract(carrier)):
            pass
        with tracer.start_as_current_span("merged", context=extract({}, context=context.get_current())):
            pass


def conditional_parent(headers):
    with tracer.start_as_current_span("outer"):
        parent = Context()
        if headers:
            parent = extract(headers)
        with tracer.start_as_current_span("inner", context=parent):
            pass


async def copied():
    with tracer.start_as_current_span("copied"):
        await asyncio.create_task(load([]), context=contextvars.copy_context())
        contextvars.copy_context().run(print, "ok")


def nested_function_is_not_in_the_span():
    with tracer.start_as_current_span("outer"):
        def later():
            return tracer.start_span("later", context=Context())
        return later


def main():
    with tracer.start_as_current_span("main"):
        with tracer.start_as_current_span("step", context=Context()):
            pass


if __name__ == "__main__":
    with tracer.start_as_current_span("script"):
        tracer.start_span("s", context=Context()).end()
