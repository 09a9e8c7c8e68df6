# source: temporalio/sdk-python#1017
# bug: the OpenTelemetry interceptor opens the RunActivity span, then sync activities configured with a ProcessPoolExecutor run in a child process without any carrier; spans the activity opens start a new trace
# fix (proposed in the PR; maintainers suggested the same as an interceptor-level workaround): inject the current context into a carrier, wrap fn so the child extracts and attaches it
import asyncio
from concurrent.futures import ProcessPoolExecutor

from opentelemetry import trace

tracer = trace.get_tracer("temporal.activity")


def render_report(customer_id):
    with tracer.start_as_current_span("render_report"):
        return f"report for {customer_id}"


class TracingActivityInbound:
    def __init__(self, max_workers=4):
        self._executor = ProcessPoolExecutor(max_workers=max_workers)

    async def execute_activity(self, fn, *args):
        with tracer.start_as_current_span(f"RunActivity:{fn.__name__}"):
            if asyncio.iscoroutinefunction(fn):
                return await fn(*args)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, fn, *args)  # expect: CTX2
