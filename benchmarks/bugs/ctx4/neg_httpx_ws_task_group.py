# source: frankie567/httpx-ws#73 (fixed version: background work runs in an anyio task group, no cancellation handler)
# bug: none: the keepalive loop lets cancellation propagate; the session cancels the task group's scope on exit
# fix: (this is the fixed code)
# expect: none
import anyio


class Session:
    def __init__(self, stream, interval: float) -> None:
        self._stream = stream
        self._interval = interval
        self._closing = anyio.Event()

    async def _keepalive(self) -> None:
        while not self._closing.is_set():
            await anyio.sleep(self._interval)
            waiter = await self._stream.send_ping()
            try:
                with anyio.fail_after(5):
                    await waiter.wait()
            except TimeoutError:
                await self._stream.close()

    async def run(self, body) -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._keepalive)
            await body()
            tg.cancel_scope.cancel()
