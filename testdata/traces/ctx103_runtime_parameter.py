# ctxlint: select = ["CTX1"]
# CTX103 run for real: tests/test_traces.py runs both functions with the SDK, passing a
# Context that holds a remote parent. Only the one that uses its parameter continues
# that trace.
from typing import Optional

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract

tracer = trace.get_tracer(__name__)
REMOTE_PARENT = extract({"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})


def reported_process(message: str, parent: Optional[Context] = None):  # error: CTX103
    with tracer.start_as_current_span("process") as span:
        return format(span.get_span_context().trace_id, "032x")


def use_instead_process(message: str, parent: Optional[Context] = None):
    with tracer.start_as_current_span("process", context=parent) as span:
        return format(span.get_span_context().trace_id, "032x")
