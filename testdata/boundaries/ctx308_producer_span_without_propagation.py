# CTX308: a producer span whose message goes out without trace headers.
from huey.api import Huey, PeriodicTask
from opentelemetry import propagate, trace
from sentry_sdk import Hub
from sentry_sdk.api import get_baggage, get_traceparent
from sentry_sdk.consts import OP
import sentry_sdk

tracer = trace.get_tracer(__name__)


def patch_enqueue():
    original = Huey.enqueue

    def traced_enqueue(self, task):
        with Hub.current.start_span(op="queue.submit.huey", description=task.name):
            return original(self, task)  # error: CTX308

    Huey.enqueue = traced_enqueue


def patch_arq(original):
    async def enqueue_job(self, function, *args, **kwargs):
        with sentry_sdk.start_span(op=OP.QUEUE_SUBMIT_ARQ, name=function):
            return await original(self, function, *args, **kwargs)  # error: CTX308

    return enqueue_job


async def emit(bus, event):
    with tracer.start_as_current_span("events publish", kind=trace.SpanKind.PRODUCER):
        await bus.emit(event.name, event.payload)  # error: CTX308


# --- correct idioms: never reported -------------------------------------------------


def patch_enqueue_fixed():
    original = Huey.enqueue

    def traced_enqueue(self, task):
        with Hub.current.start_span(op="queue.submit.huey", description=task.name):
            if not isinstance(task, PeriodicTask):
                task.kwargs["sentry_headers"] = {"baggage": get_baggage(), "sentry-trace": get_traceparent()}
            return original(self, task)

    Huey.enqueue = traced_enqueue


async def emit_fixed(bus, event):
    with tracer.start_as_current_span("events publish", kind=trace.SpanKind.PRODUCER):
        headers = {}
        propagate.inject(headers)
        await bus.emit(event.name, event.payload, headers=headers)


def render(job):
    with tracer.start_as_current_span("render", kind=trace.SpanKind.INTERNAL):
        return job.run()
