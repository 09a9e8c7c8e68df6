# source: langchain-ai/langchain#15171 (follow-up langchain-ai/langchain#15329)
# bug: Runnable.batch runs invoke() per input on a ThreadPoolExecutor; the token-usage handler that get_usage_callback() puts in a ContextVar is unset in the workers, so batched calls count no tokens
# fix: langchain_core's ContextThreadPoolExecutor, which runs each submitted call in contextvars.copy_context()
import contextvars
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

_usage_handler: contextvars.ContextVar = contextvars.ContextVar("usage_handler", default=None)


class UsageCounter:
    def __init__(self):
        self.total_tokens = 0

    def add(self, tokens):
        self.total_tokens += tokens


@contextmanager
def get_usage_callback():
    counter = UsageCounter()
    token = _usage_handler.set(counter)
    try:
        yield counter
    finally:
        _usage_handler.reset(token)


class ChatRunnable:
    def _complete(self, prompt):
        return prompt.upper()

    def invoke(self, prompt):
        reply = self._complete(prompt)
        handler = _usage_handler.get()
        if handler is not None:
            handler.add(len(reply.split()))
        return reply

    def batch(self, prompts, max_concurrency=None):
        with ThreadPoolExecutor(max_workers=max_concurrency) as pool:
            return list(pool.map(self.invoke, prompts))  # expect: CTX202


def summarize_all(chain: ChatRunnable, docs):
    with get_usage_callback() as usage:
        chain.batch(docs)
    return usage.total_tokens
