# ctxlint: select = ["CTX1"]
# ctxlint: target-version = "py311"
# CTX101 run for real: tests/test_traces.py lints this file and also runs every function
# with the OpenTelemetry SDK and an in-memory exporter. Each `reported_*` function's
# "child" span really is the root of a new trace; each `use_instead_*` one is not
# (it is a child of "request", or a root linked to it on purpose). Functions ending in
# `_py311` use an API of Python 3.11 and run only there.
import asyncio
import contextvars

from opentelemetry import context, trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract

tracer = trace.get_tracer(__name__)


def reported_empty_context():
    with tracer.start_as_current_span("request"):
        with tracer.start_as_current_span("child", context=Context()):  # error: CTX101
            pass


def reported_extract_from_empty_carrier():
    with tracer.start_as_current_span("request"):
        span = tracer.start_span("child", extract({}))  # error: CTX101
        span.end()


def reported_attach_empty():
    with tracer.start_as_current_span("request"):
        token = context.attach(extract(carrier={}))  # error: CTX101
        try:
            with tracer.start_as_current_span("child"):
                pass
        finally:
            context.detach(token)


def reported_empty_contextvars_context():
    def work():
        with tracer.start_as_current_span("child"):
            pass

    with tracer.start_as_current_span("request"):
        contextvars.Context().run(work)  # error: CTX101


def reported_task_in_empty_context_py311():
    async def work():
        with tracer.start_as_current_span("child"):
            pass

    async def main_task():
        with tracer.start_as_current_span("request"):
            loop = asyncio.get_running_loop()
            await loop.create_task(work(), context=contextvars.Context())  # error: CTX101

    asyncio.run(main_task())


def use_instead_current():
    with tracer.start_as_current_span("request"):
        with tracer.start_as_current_span("child"):
            pass


def use_instead_extract_onto_current():
    with tracer.start_as_current_span("request"):
        span = tracer.start_span("child", extract({}, context=context.get_current()))
        span.end()


def use_instead_linked_new_trace():
    with tracer.start_as_current_span("request") as request:
        link = trace.Link(request.get_span_context())
        with tracer.start_as_current_span("child", context=Context(), links=[link]):
            pass


def use_instead_copied_context():
    def work():
        with tracer.start_as_current_span("child"):
            pass

    with tracer.start_as_current_span("request"):
        contextvars.copy_context().run(work)
