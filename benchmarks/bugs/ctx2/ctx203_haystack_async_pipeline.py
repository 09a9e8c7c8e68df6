# source: deepset-ai/haystack#9203 (fix: deepset-ai/haystack#9433; also deepset-ai/haystack#8864)
# bug: AsyncPipeline runs components that only have a sync run() with loop.run_in_executor; the component's own spans start a new trace because the pipeline's span is not current in the worker
# fix: ctx = contextvars.copy_context(); run_in_executor(None, lambda: ctx.run(lambda: instance.run(**inputs)))
import asyncio

from opentelemetry import trace

tracer = trace.get_tracer("pipeline")


class ChatGenerator:
    def run(self, prompt):
        with tracer.start_as_current_span("openai.chat") as span:
            span.set_attribute("prompt.length", len(prompt))
            return {"replies": [prompt[::-1]]}


class AsyncPipeline:
    def __init__(self, components):
        self.components = components

    async def _run_component(self, name, instance, inputs):
        with tracer.start_as_current_span(f"pipeline.component.{name}"):
            if hasattr(instance, "run_async"):
                return await instance.run_async(**inputs)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, lambda: instance.run(**inputs))  # expect: CTX203

    async def run_async(self, data):
        with tracer.start_as_current_span("pipeline.run"):
            outputs = {}
            for name, instance in self.components.items():
                outputs[name] = await self._run_component(name, instance, data.get(name, {}))
            return outputs
