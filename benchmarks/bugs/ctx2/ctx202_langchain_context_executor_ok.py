# source: langchain-ai/langchain#15329 (langchain_core.runnables.config.ContextThreadPoolExecutor)
# expect: none
# bug: The fix: a ThreadPoolExecutor subclass whose submit() and map() run every call in its own copy of the submitter's context; batch() uses it.
import contextvars
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

_usage_handler: contextvars.ContextVar = contextvars.ContextVar("usage_handler", default=None)


class ContextThreadPoolExecutor(ThreadPoolExecutor):
    def submit(self, func, *args, **kwargs) -> Future:
        return super().submit(partial(contextvars.copy_context().run, func, *args, **kwargs))

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        contexts = [contextvars.copy_context() for _ in range(len(iterables[0]))]

        def _wrapped_fn(*args):
            return contexts.pop().run(fn, *args)

        return super().map(_wrapped_fn, *iterables, timeout=timeout, chunksize=chunksize)


@contextmanager
def executor_for_config(max_concurrency=None):
    with ContextThreadPoolExecutor(max_workers=max_concurrency) as executor:
        yield executor


class ChatRunnable:
    def invoke(self, prompt):
        handler = _usage_handler.get()
        if handler is not None:
            handler.add(len(prompt.split()))
        return prompt.upper()

    def batch(self, prompts, max_concurrency=None):
        with executor_for_config(max_concurrency) as executor:
            return list(executor.map(self.invoke, prompts))
