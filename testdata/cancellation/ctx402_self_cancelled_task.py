# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX402 exemption: the code cancelled a task itself and awaits that same task.
import asyncio
import contextlib


async def worker():
    await asyncio.sleep(10)


async def stop_one(task):
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


async def stop_with_suppress(task):
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def stop_all(tasks):
    for task in tasks:
        task.cancel()
    try:
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        pass


# --- still reported: awaiting something that this code never cancelled ---------------


class Service:
    """The cancel is in another method (aiohttp-sse#459): while `run_until_stopped` waits,
    a cancel of *its* task arrives as the same CancelledError and is swallowed too."""

    def start(self):
        self._task = asyncio.create_task(worker())

    async def run_until_stopped(self):
        try:
            await self._task
        except asyncio.CancelledError:  # error: CTX409
            pass

    def stop(self):
        self._task.cancel()


async def awaits_a_task_nobody_cancelled(task):
    try:
        await task
    except asyncio.CancelledError:  # error: CTX409
        pass


async def cancels_one_awaits_another(first, second):
    first.cancel()
    try:
        await second
    except asyncio.CancelledError:  # error: CTX409
        pass


async def suppress_without_cancel(task):
    with contextlib.suppress(asyncio.CancelledError):  # error: CTX402
        await task
