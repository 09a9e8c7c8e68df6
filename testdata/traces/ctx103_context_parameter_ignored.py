# ctxlint: select = ["CTX1"]
# CTX103: a function takes an OpenTelemetry Context and starts spans / injects / attaches
# without using it.
from typing import Optional, Union

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context

tracer = trace.get_tracer(__name__)


def process_message(message, parent: Context):  # error: CTX103
    with tracer.start_as_current_span("process"):
        return message


def forward(payload, headers: dict, ctx: Optional[Context] = None):  # error: CTX103
    propagate.inject(headers)
    return payload


async def run_job(job, job_context: "otel_context.Context | None" = None):  # error: CTX103
    token = otel_context.attach(otel_context.set_value("job", job))
    otel_context.detach(token)


class Handler:
    def handle(self, event, parent_context: Union[Context, None]):  # error: CTX103
        span = tracer.start_span("handle")
        span.end()


# --- correct idioms: never reported -------------------------------------------------


def process_message_correctly(message, parent: Context):
    with tracer.start_as_current_span("process", context=parent):
        return message


def forward_correctly(payload, headers: dict, ctx: Optional[Context] = None):
    propagate.inject(headers, context=ctx)
    return payload


def fallback(parent: Optional[Context] = None):
    parent = parent or otel_context.get_current()
    token = otel_context.attach(parent)
    otel_context.detach(token)


def should_sample(parent_context: Optional[Context], trace_id: int, name: str):
    # takes a Context but starts no span: nothing to check
    return trace_id % 2 == 0


def deliberately_unused(message, _parent: Context):
    with tracer.start_as_current_span("process"):
        return message


def uses_it_in_a_closure(items, parent: Context):
    def each(item):
        with tracer.start_as_current_span("item", context=parent):
            return item

    return [each(item) for item in items]


def nested_function_starts_the_span(items, parent: Context):
    # the nested function is checked on its own (it has no Context parameter)
    def each(item):
        with tracer.start_as_current_span("item"):
            return item

    return [each(item) for item in items]


def contextvars_context(items, ctx: "contextvars.Context"):
    # a contextvars.Context is not an OpenTelemetry Context
    with tracer.start_as_current_span("x"):
        return items
