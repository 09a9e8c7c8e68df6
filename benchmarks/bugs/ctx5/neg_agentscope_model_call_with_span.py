# source: agentscope-ai/agentscope#2077 (on_model_call, "unaffected — its with block has no yield")
# bug: none: an ordinary coroutine that runs the model call inside `with tracer.start_as_current_span(...)`; the span is current only while the coroutine runs and ends on exit
# fix: (this is correct code)
# expect: none
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class TracingMiddleware:
    async def on_model_call(self, agent, input_kwargs: dict, next_handler):
        model = input_kwargs.get("current_model")
        with tracer.start_as_current_span("chat " + getattr(model, "name", "unknown")) as span:
            result = await next_handler(**input_kwargs)
            span.set_attribute("gen_ai.response.model", getattr(result, "model", ""))
            return result
