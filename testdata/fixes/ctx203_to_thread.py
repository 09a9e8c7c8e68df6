"""CTX203 fixes, awaited with the default executor: `await asyncio.to_thread(f, ...)`."""

import asyncio


def render(page, locale="en"):
    return page, locale


async def handle(page):
    loop = asyncio.get_running_loop()
    html = await loop.run_in_executor(None, render, page)
    both = await asyncio.get_running_loop().run_in_executor(None, render, page, "fr")
    return html, both
