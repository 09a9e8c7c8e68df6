# ctxlint: select = ["CTX4"]
# CTX402 false-positive pattern (prefect's run_services, tornado's test callback, anyio's
# shutdown sentinel; benchmarks/precision/ctx4-ctx5.md): a `try` whose body only awaits
# something that never completes on its own (`sleep(math.inf)`, `sleep_forever()`, an
# event nobody sets, a future nobody completes) waits for nothing but its own
# cancellation. The handler is the coroutine's designed way out ("run until cancelled").
import asyncio
import math

import anyio


async def run_services(services):
    forever = asyncio.get_running_loop().create_future()
    try:
        await forever
    except asyncio.CancelledError:
        services.stop()


async def shutdown_sentinel(workers):
    try:
        await asyncio.sleep(math.inf)
    except asyncio.CancelledError:
        for worker in workers:
            worker.kill()


async def park_until_cancelled(log):
    try:
        await anyio.sleep_forever()
    except anyio.get_cancelled_exc_class():
        log.info("stopped")


def schedule(loop):
    parked = asyncio.Event()

    async def callback():
        try:
            await parked.wait()
        except asyncio.CancelledError:
            pass

    loop.create_task(callback())


# --- still reported: the awaited thing completes on its own ---------------------------


async def sleeps_a_while(log):
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:  # error: CTX409
        log.info("stopped")


class Waiter:
    def __init__(self):
        self.ready = asyncio.Event()

    def wake(self):
        self.ready.set()

    async def wait_ready(self):
        done = asyncio.Event()
        self.register(done)
        try:
            await done.wait()
        except asyncio.CancelledError:  # error: CTX402
            return False
        return True

    def register(self, event): ...


async def waits_for_an_event_that_is_set(log):
    finished = asyncio.Event()
    asyncio.get_running_loop().call_later(1, finished.set)
    try:
        await finished.wait()
    except asyncio.CancelledError:  # error: CTX409
        log.info("stopped")


async def does_more_than_wait(forever, log):
    try:
        await asyncio.sleep(math.inf)
        log.info("never")
    finally:
        pass
    try:
        await fetch_forever()
    except asyncio.CancelledError:  # error: CTX409
        log.info("stopped")


async def fetch_forever():
    await asyncio.sleep(1)
