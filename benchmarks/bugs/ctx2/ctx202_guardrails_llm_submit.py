# source: openai/openai-guardrails-python#60
# bug: the guarded client submits the LLM request to a ThreadPoolExecutor while it runs the input checks; OpenLLMetry's OpenAI instrumentation opens the chat span in the worker with no parent, which breaks the caller's trace
# fix: ctx = contextvars.copy_context(); self._pool.submit(ctx.run, self._client.chat.completions.create, **kwargs)
from concurrent.futures import ThreadPoolExecutor

from openai import OpenAI
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

OpenAIInstrumentor().instrument()


class GuardrailTripped(Exception):
    pass


class GuardedChat:
    def __init__(self, checks):
        self._client = OpenAI()
        self._checks = checks
        self._pool = ThreadPoolExecutor(max_workers=4)

    def _verdict(self, messages):
        return all(check(messages) for check in self._checks)

    def create(self, **kwargs):
        llm_future = self._pool.submit(self._client.chat.completions.create, **kwargs)  # expect: CTX202
        if not self._verdict(kwargs["messages"]):
            llm_future.cancel()
            raise GuardrailTripped("input rejected")
        return llm_future.result()
