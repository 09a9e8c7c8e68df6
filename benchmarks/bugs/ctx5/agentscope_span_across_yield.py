# source: agentscope-ai/agentscope#2076 (fix: PR #2077, commit c5d26cd "avoid otel context detach error on cross-task stream close")
# bug: the tracing middleware wraps an async-generator reply stream in start_as_current_span(..., end_on_exit=False) and yields inside it; when the SSE consumer disconnects the generator is closed from another task and detach logs "Failed to detach context" (and the span stays current for the consumer between items)
# fix: start the span with tracer.start_span(...) and end it manually in finally; never keep it current across yield
from typing import AsyncGenerator, Callable

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

tracer = trace.get_tracer(__name__)


class TracingMiddleware:
    async def on_reply(self, agent, input_kwargs: dict, next_handler: Callable[..., AsyncGenerator]) -> AsyncGenerator:
        with tracer.start_as_current_span(
            name="invoke_agent " + agent.name,
            attributes={"gen_ai.agent.name": agent.name},
            end_on_exit=False,
        ) as span:
            last = None
            try:
                async for item in next_handler(**input_kwargs):
                    last = item
                    yield item  # expect: CTX506
            except BaseException as exc:
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                raise
            finally:
                if last is not None:
                    span.set_attribute("gen_ai.response.id", getattr(last, "id", ""))
                span.end()
