# source: aio-libs/aiohttp-sse#459 (fix: commit ae2581b "Don't swallow asyncio.CancelledError"); see also aio-libs/aiohttp#8174
# bug: wait() awaits the ping task under suppress(CancelledError), so cancelling the handler that waits on the stream is swallowed and the handler keeps running
# fix: catch CancelledError explicitly and re-raise when the current task itself is being cancelled (task.cancelling())
import asyncio
from contextlib import suppress

from aiohttp import web


class EventStream(web.StreamResponse):
    def __init__(self) -> None:
        super().__init__()
        self._pinger = None

    async def prepare(self, request):
        writer = await super().prepare(request)
        self._pinger = asyncio.get_running_loop().create_task(self._ping_forever())
        return writer

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(15)
            await self.write(b": ping\r\n\r\n")

    async def wait(self) -> None:
        if self._pinger is None:
            raise RuntimeError("stream not started")
        with suppress(asyncio.CancelledError):  # expect: CTX402
            await self._pinger

    def stop(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()


async def events(request: web.Request) -> web.StreamResponse:
    stream = EventStream()
    await stream.prepare(request)
    await stream.wait()
    return stream
