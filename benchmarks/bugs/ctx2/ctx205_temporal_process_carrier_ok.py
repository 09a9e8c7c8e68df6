# source: temporalio/sdk-python#1017 (the proposed fix)
# expect: none
# bug: Explicit carrier into a process pool: the interceptor injects the current context into a dict and wraps the activity so the child process extracts and attaches it.
import asyncio
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Dict

from opentelemetry import context, propagate, trace

tracer = trace.get_tracer("temporal.activity")


@dataclass
class ActivityFnWithTraceContext:
    fn: Callable[..., Any]
    carrier: Dict[str, str]

    def __call__(self, *args):
        token = context.attach(propagate.extract(self.carrier))
        try:
            return self.fn(*args)
        finally:
            context.detach(token)


class TracingActivityInbound:
    def __init__(self, max_workers=4):
        self._executor = ProcessPoolExecutor(max_workers=max_workers)

    async def execute_activity(self, fn, *args):
        with tracer.start_as_current_span(f"RunActivity:{fn.__name__}"):
            carrier: Dict[str, str] = {}
            propagate.inject(carrier)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, ActivityFnWithTraceContext(fn, carrier), *args)
