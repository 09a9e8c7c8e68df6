import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_blocking(awaitable):
    """Drives an awaitable to its value from sync code, even inside a running loop."""

    async def _await():
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(_await())).result()  # error: CTX202
