"""CTX203 fixes that insert `contextvars.copy_context().run`: an explicit executor, or a
call that is not awaited on the spot."""

import asyncio
from contextvars import ContextVar
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor()


request_id = ContextVar("request_id", default="-")


def render(page):
    return request_id.get(), page


async def handle(page):
    loop = asyncio.get_running_loop()
    first = await loop.run_in_executor(POOL, render, page)
    pending = loop.run_in_executor(None, render, page)
    done = await asyncio.wait_for(loop.run_in_executor(None, render, page), timeout=5)
    return first, await pending, done
