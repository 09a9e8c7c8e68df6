# source: BerriAI/litellm#4419 (labelled bug, closed)
# bug: the proxy continues the caller's trace (the server is instrumented) but calls the backend through the OpenAI SDK's own httpx client, which is not instrumented and gets no traceparent: the backend starts a new trace
# fix: forward the trace context to the backend call (inject into extra_headers, or instrument the SDK's httpx client)
from fastapi import FastAPI, Request
from openai import AsyncOpenAI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
app = FastAPI()
FastAPIInstrumentor.instrument_app(app)
backend = AsyncOpenAI(base_url="http://vllm:8000/v1", api_key="unused")  # expect: CTX3


@app.post("/v1/chat/completions")
async def chat_completions(request: Request):
    body = await request.json()
    return await backend.chat.completions.create(**body)
