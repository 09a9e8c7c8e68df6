# source: frankie567/httpx-ws#73 (fix: commit 1372941 "Don't catch cancellation exceptions")
# bug: the websocket keepalive and reader tasks catch anyio's cancellation class and return, so the task group's cancel scope never sees them finish cancelled
# fix: drop the except clauses; let the cancellation exception propagate to the task group
import anyio


class Session:
    def __init__(self, stream, interval):
        self._stream = stream
        self._interval = interval
        self._closing = anyio.Event()

    async def _keepalive(self) -> None:
        try:
            while not self._closing.is_set():
                await anyio.sleep(self._interval)
                waiter = await self._stream.send_ping()
                with anyio.fail_after(5):
                    await waiter.wait()
        except anyio.get_cancelled_exc_class():  # expect: CTX402
            pass

    async def _reader(self, on_event) -> None:
        try:
            while True:
                data = await self._stream.receive()
                await on_event(data)
        except anyio.get_cancelled_exc_class():  # expect: CTX402
            pass

    async def run(self, on_event) -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._keepalive)
            tg.start_soon(self._reader, on_event)
