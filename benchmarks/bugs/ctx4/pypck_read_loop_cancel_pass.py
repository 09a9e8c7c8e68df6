# source: alengwenus/pypck#139 (fix: commit 3636fa8 "Propagate asyncio.CancelledError")
# bug: the connection's read and write loops end in `except asyncio.CancelledError: pass`, so the loop tasks finish normally when cancelled and their owner cannot tell a cancel from a clean exit
# fix: replace the except clauses with try/finally so the cleanup runs and the cancellation propagates
import asyncio
import logging

_LOGGER = logging.getLogger(__name__)


class BusConnection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.outbox: asyncio.Queue = asyncio.Queue()

    async def read_loop(self, handle) -> None:
        try:
            while not self.writer.is_closing():
                line = await self.reader.readuntil(b"\n")
                await handle(line.decode().strip())
        except asyncio.CancelledError:  # expect: CTX402
            pass
        _LOGGER.debug("read loop closed")

    async def write_loop(self) -> None:
        try:
            while not self.writer.is_closing():
                data = await self.outbox.get()
                self.writer.write(data)
                await self.writer.drain()
        except asyncio.CancelledError:  # expect: CTX402
            pass
        while not self.outbox.empty():
            await self.outbox.get()
        _LOGGER.debug("write loop closed")
