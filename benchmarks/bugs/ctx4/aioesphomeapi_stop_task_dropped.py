# source: esphome/aioesphomeapi#382 (fix: commit 0656b65 "Ensure we hold strong references to tasks")
# bug: the connection's cleanup, its keepalive start and the reconnect stop callback fire asyncio.create_task(...) and drop the task; the loop holds only a weak reference, so the on_stop / keepalive / stop coroutines can vanish mid-flight and nobody can cancel them
# fix: store each task on self (self._on_stop_task = ...) and clear the attribute in a done callback
import asyncio
from typing import Awaitable, Callable, Optional


class DeviceConnection:
    def __init__(self, on_stop: Optional[Callable[[], Awaitable[None]]]) -> None:
        self.on_stop = on_stop
        self._connected = False

    async def _keepalive(self) -> None:
        while self._connected:
            await asyncio.sleep(20)

    def _start_keepalive(self) -> None:
        self._connected = True
        asyncio.create_task(self._keepalive())  # expect: CTX401

    def _cleanup(self) -> None:
        self._connected = False
        if self.on_stop is not None:
            asyncio.create_task(self.on_stop())  # expect: CTX401
            self.on_stop = None


class Reconnector:
    def __init__(self, conn: DeviceConnection) -> None:
        self._conn = conn

    async def stop(self) -> None:
        self._conn._cleanup()

    def stop_callback(self) -> None:
        asyncio.create_task(self.stop())  # expect: CTX401
