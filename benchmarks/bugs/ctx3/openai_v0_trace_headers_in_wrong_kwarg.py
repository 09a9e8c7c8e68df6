# source: traceloop/openllmetry#2606 (commit 2741061ec)
# bug: the trace context is injected into extra_headers, a keyword only openai>=1 understands; the 0.x client takes request headers only from headers=, so no traceparent header reaches the LLM gateway
# fix: for openai 0.x inject into kwargs["headers"], for 1.x into kwargs["extra_headers"]
import openai
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import set_span_in_context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("assistant.llm")


def ask(question: str) -> str:
    with tracer.start_as_current_span("openai.chat", kind=trace.SpanKind.CLIENT) as span:
        extra_headers = {}
        TraceContextTextMapPropagator().inject(extra_headers, context=set_span_in_context(span))
        response = openai.ChatCompletion.create(  # expect: CTX3
            model="gpt-3.5-turbo",
            messages=[{"role": "user", "content": question}],
            extra_headers=extra_headers,
        )
        return response["choices"][0]["message"]["content"]
