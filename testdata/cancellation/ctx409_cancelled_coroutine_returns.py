# ctxlint: select = ["CTX4"]
# CTX409 (preview): `except asyncio.CancelledError:` that ends a coroutine returning
# nothing (pypck#139's read loop). The stop path of a task root as often as a bug: on the
# precision corpora both findings were task roots stopped by their owner.
import asyncio
import logging

_LOGGER = logging.getLogger(__name__)


class BusConnection:
    def __init__(self, reader):
        self.reader = reader

    async def read_loop(self, handle):
        try:
            while True:
                line = await self.reader.readline()
                await handle(line)
        except asyncio.CancelledError:  # error: CTX409
            pass
        _LOGGER.debug("read loop closed")


async def accept(handler, connection):
    try:
        await connection.accept(handler)
    except asyncio.CancelledError:  # error: CTX409
        connection.abort()
        return
    handler.opened()


class Distributor:
    async def start(self, task):
        try:
            await task
        except asyncio.CancelledError:  # error: CTX409
            pass


# --- not CTX409 -----------------------------------------------------------------------


async def reraises(reader):
    try:
        await reader.readline()
    except asyncio.CancelledError:
        _LOGGER.debug("cancelled")
        raise


async def returns_a_value(reader):
    try:
        return await reader.readline()
    except asyncio.CancelledError:  # error: CTX402
        return None  # the caller gets None instead of its cancellation: CTX402


async def keeps_working_after(reader, outbox):
    try:
        await reader.readline()
    except asyncio.CancelledError:  # error: CTX402
        pass
    while not outbox.empty():
        await outbox.get()


async def mixed_with_other_errors(reader):
    try:
        await reader.readline()
    except (asyncio.CancelledError, OSError):  # error: CTX402
        _LOGGER.warning("read failed")
