# ctxlint: select = ["CTX4"]
# CTX402 false-positive pattern (prefect's flush_periodically, aio-pika's reconnect task;
# benchmarks/precision/ctx4-ctx5.md): a coroutine this module only runs as its own task
# loops, and its cancellation handler leaves the loop when the owner's stop flag is set
# (`if stopping: return`, `if self._closed: raise`). The owner sets the flag and cancels;
# the task stops, which is what the cancel asked for. Other cancels are ridden out on
# purpose (a database driver's stray CancelledError).
import asyncio
import logging

log = logging.getLogger(__name__)


async def flush(queue):
    await asyncio.sleep(0)


async def persister(queue):
    stopping = False

    async def flush_periodically():
        while True:
            try:
                await asyncio.sleep(5)
                await flush(queue)
            except asyncio.CancelledError:
                if stopping:
                    return
                log.warning("periodic flush cancelled unexpectedly; continuing")

    task = asyncio.create_task(flush_periodically())
    try:
        await queue.join()
    finally:
        stopping = True
        task.cancel()
        await asyncio.wait([task])


class RobustConnection:
    def __init__(self):
        self._closed = False
        self.is_closed = False
        self._reconnect_task = None

    def start(self):
        self._reconnect_task = asyncio.create_task(self._reconnect())

    async def _reconnect(self):
        while True:
            try:
                await self._connect()
                return
            except asyncio.CancelledError:
                if self._closed or self.is_closed:
                    raise
                log.warning("connect attempt cancelled, retrying")
            await asyncio.sleep(1)

    async def close(self):
        self._closed = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()

    async def _connect(self):
        await asyncio.sleep(0)


# --- still reported -------------------------------------------------------------------


class Poller:
    def start(self):
        self._task = asyncio.create_task(self._poll())

    async def _poll(self):
        while True:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:  # error: CTX402
                if self.count() > 3:  # not a flag: a computed condition
                    return
                log.warning("cancelled")

    def count(self):
        return 0


async def awaited_directly(stopping):
    # not run as a task of its own: its caller may be under a deadline
    while True:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:  # error: CTX402
            if stopping:
                return
            log.warning("cancelled")


async def caller(stopping):
    await awaited_directly(stopping)


class Looper:
    def start(self):
        self._task = asyncio.create_task(self._loop())

    async def _loop(self):
        while True:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:  # error: CTX402
                if self.stopping:
                    continue
                log.warning("cancelled")
