"""CTX203 fixes, awaited with the default executor: `await asyncio.to_thread(f, ...)`."""

import asyncio
from contextvars import ContextVar

request_id = ContextVar("request_id", default="-")


def render(page, locale="en"):
    return request_id.get(), page, locale


async def handle(page):
    loop = asyncio.get_running_loop()
    html = await loop.run_in_executor(None, render, page)
    both = await asyncio.get_running_loop().run_in_executor(None, render, page, "fr")
    return html, both
