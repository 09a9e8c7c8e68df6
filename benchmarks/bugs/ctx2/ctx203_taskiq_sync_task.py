# source: taskiq-python/taskiq#482 (fix: taskiq-python/taskiq#483, commit 4765e3ed33e8b75fce6afb5bcd0ccbf4962c7978)
# bug: the receiver runs sync task functions with loop.run_in_executor(self.executor, ...); ContextVars set by middlewares for the message (request id, tracing) are empty inside sync tasks, while async tasks see them
# fix: ctx = contextvars.copy_context(); run_in_executor(self.executor, functools.partial(ctx.run, target, *args, **kwargs))
import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor

message_id: contextvars.ContextVar = contextvars.ContextVar("message_id", default=None)


class Receiver:
    def __init__(self, broker, max_threads=8):
        self.broker = broker
        self.executor = ThreadPoolExecutor(max_workers=max_threads)

    async def run_task(self, target, message):
        token = message_id.set(message["id"])
        try:
            if asyncio.iscoroutinefunction(target):
                return await target(*message["args"], **message["kwargs"])
            loop = asyncio.get_running_loop()
            call = functools.partial(target, *message["args"], **message["kwargs"])
            return await loop.run_in_executor(self.executor, call)  # expect: CTX203
        finally:
            message_id.reset(token)


def resize_image(path):
    print(f"[{message_id.get()}] resizing {path}")
