# source: langfuse/langfuse-python#1587 (commit df702da42a03de35c1c665f7dec7ff9cc3f482f5)
# bug: run_async_safely() runs the caller's coroutine with asyncio.run in a Thread subclass when a loop is already running; the new thread's empty context means the experiment task loses the attributes propagate_attributes() put in ContextVars (user id, session id)
# fix: copy_context() in __init__ and self.context.run(asyncio.run, self.coro) in run()
import asyncio
import contextvars
import threading
from contextlib import contextmanager

_propagated: contextvars.ContextVar = contextvars.ContextVar("propagated_attributes", default={})


@contextmanager
def propagate_attributes(**attributes):
    token = _propagated.set({**_propagated.get(), **attributes})
    try:
        yield
    finally:
        _propagated.reset(token)


class _RunAsyncThread(threading.Thread):  # expect: CTX206
    def __init__(self, coro):
        self.coro = coro
        self.result = None
        self.exception = None
        super().__init__()

    def run(self):
        try:
            self.result = asyncio.run(self.coro)
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


async def experiment_item(item):
    await asyncio.sleep(0)
    return {"item": item, "user_id": _propagated.get().get("user_id")}
