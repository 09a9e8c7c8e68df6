"""An existing `import contextvars as cv` is reused: no second import."""

import asyncio as aio
import contextvars as cv
import threading


def start(job):
    threading.Thread(target=job).start()


async def offload(job):
    return await aio.get_running_loop().run_in_executor(None, job)
