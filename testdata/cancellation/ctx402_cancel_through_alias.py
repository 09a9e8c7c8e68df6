# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX402 false-positive pattern (prefect, benchmarks/PRECISION.md): the task is
# cancelled through a local alias (`task = service.task; task.cancel()`) and the same
# function awaits the task itself. The CancelledError is the code's own. A cancel in
# another function (a stop method) does not count: while the other function awaits, its
# own task's cancellation arrives as the same CancelledError and is swallowed too.
import asyncio

_distributor_task = None


async def distribute():
    await asyncio.sleep(3600)


async def start_distributor():
    global _distributor_task
    _distributor_task = asyncio.create_task(distribute())


async def stop_distributor():
    global _distributor_task
    task = _distributor_task
    _distributor_task = None
    task.cancel()


async def run_distributor():
    await start_distributor()
    try:
        await _distributor_task
    except asyncio.CancelledError:  # error: CTX409
        pass


class Subscriber:
    def __init__(self):
        self._consumer = None

    async def start(self):
        self._consumer = asyncio.create_task(distribute())

    async def stop(self):
        consumer = self._consumer
        if consumer is not None:
            consumer.cancel()

    async def wait(self):
        try:
            await self._consumer
        except asyncio.CancelledError:  # error: CTX409
            pass


async def cancel_then_wait_for_alias(service):
    task = service.task
    task.cancel()
    try:
        await service.task
    except asyncio.CancelledError:
        pass


# --- still reported: the alias of something else was cancelled ------------------------


class Mixed:
    async def stop(self):
        other = self._other
        other.cancel()

    async def wait(self):
        try:
            await self._worker
        except asyncio.CancelledError:  # error: CTX409
            pass


async def alias_in_another_function(service):
    try:
        await service.task
    except asyncio.CancelledError:  # error: CTX409
        pass


async def cancels_alias_of_a_different_task(service):
    task = service.first
    task.cancel()
    try:
        await service.second
    except asyncio.CancelledError:  # error: CTX409
        pass
