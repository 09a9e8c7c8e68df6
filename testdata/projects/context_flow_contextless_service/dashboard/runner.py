import asyncio
from functools import partial


class BlockingRunner:
    """Runs the dashboard's blocking broker calls off the event loop."""

    async def run(self, func, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, partial(func, *args))
