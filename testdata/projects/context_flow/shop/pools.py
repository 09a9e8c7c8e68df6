import contextvars
from concurrent.futures import ThreadPoolExecutor


class ContextExecutor(ThreadPoolExecutor):
    """The project's own executor: every task runs in a copy of its submitter's context."""

    def submit(self, fn, /, *args, **kwargs):
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)
