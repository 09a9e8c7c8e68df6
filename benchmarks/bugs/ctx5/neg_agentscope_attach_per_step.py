# source: agentscope-ai/agentscope#2077 (fixed version, commit c5d26cd)
# bug: none: the reply span is started with start_span(), its context is attached only while advancing the inner generator and detached in the same step, and the span is ended in finally; nothing is current across yield
# fix: (this is the fixed code)
# expect: none
from typing import AsyncGenerator, Callable

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

tracer = trace.get_tracer(__name__)


class TracingMiddleware:
    async def on_reply(self, agent, input_kwargs: dict, next_handler: Callable[..., AsyncGenerator]) -> AsyncGenerator:
        span = tracer.start_span("invoke_agent " + agent.name)
        span_context = trace.set_span_in_context(span)
        gen = next_handler(**input_kwargs)
        try:
            while True:
                token = otel_context.attach(span_context)
                try:
                    item = await gen.__anext__()
                except StopAsyncIteration:
                    break
                finally:
                    otel_context.detach(token)
                yield item
        except BaseException as exc:
            span.set_status(Status(StatusCode.ERROR, str(exc)))
            raise
        finally:
            span.end()
