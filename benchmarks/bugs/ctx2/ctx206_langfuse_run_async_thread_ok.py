# source: langfuse/langfuse-python#1587 (commit df702da42a03de35c1c665f7dec7ff9cc3f482f5)
# expect: none
# bug: The fix: the Thread subclass copies the caller's context in __init__ and runs asyncio.run inside it.
import asyncio
import contextvars
import threading


class _RunAsyncThread(threading.Thread):
    def __init__(self, coro):
        self.coro = coro
        self.context = contextvars.copy_context()
        self.result = None
        self.exception = None
        super().__init__()

    def run(self):
        try:
            self.result = self.context.run(asyncio.run, self.coro)
        except Exception as exc:
            self.exception = exc


def run_async_safely(coro):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    thread = _RunAsyncThread(coro)
    thread.start()
    thread.join()
    if thread.exception:
        raise thread.exception
    return thread.result
