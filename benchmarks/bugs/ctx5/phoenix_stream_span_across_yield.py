# source: Arize-ai/phoenix#11362 ("fix(playground): avoid contextvars in streaming generator cleanup")
# bug: the playground's streaming chat client opens start_as_current_span() inside the async generator that yields completion chunks; a client disconnect finalises the generator in another context and detach fails ("Failed to detach context")
# fix: tracer.start_span() and span.end() in finally, without making the span current across yields
from typing import AsyncIterator

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class StreamingClient:
    def __init__(self, client, model: str) -> None:
        self._client = client
        self._model = model

    async def chat_completion_create(self, messages) -> AsyncIterator[str]:
        with tracer.start_as_current_span("ChatCompletion") as span:
            span.set_attribute("llm.model_name", self._model)
            stream = await self._client.chat.completions.create(
                model=self._model, messages=messages, stream=True
            )
            async for chunk in stream:
                delta = chunk.choices[0].delta.content
                if delta:
                    yield delta  # expect: CTX506
