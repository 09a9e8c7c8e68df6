# source: deepset-ai/haystack#9433
# expect: none
# bug: The fix: copy the context in the event-loop thread and run the sync component through ctx.run in the default executor.
import asyncio
import contextvars

from opentelemetry import trace

tracer = trace.get_tracer("pipeline")


class AsyncPipeline:
    def __init__(self, components):
        self.components = components

    async def _run_component(self, name, instance, inputs):
        with tracer.start_as_current_span(f"pipeline.component.{name}"):
            if hasattr(instance, "run_async"):
                return await instance.run_async(**inputs)
            loop = asyncio.get_running_loop()
            ctx = contextvars.copy_context()
            return await loop.run_in_executor(None, lambda: ctx.run(lambda: instance.run(**inputs)))
