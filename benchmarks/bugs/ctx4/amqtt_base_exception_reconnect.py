# source: Yakifo/amqtt#29 (fix: commit 08dbaa1 "Permit connect() and reconnect() coroutines to be cancelled")
# bug: connect() and reconnect() catch BaseException around the connect attempt, so a CancelledError is logged as a failed attempt and retried (or turned into a ConnectException): the coroutines cannot be cancelled
# fix: add `except asyncio.CancelledError: raise` before the BaseException handler
import asyncio
import logging

logger = logging.getLogger(__name__)


class ConnectError(Exception):
    pass


class BrokerClient:
    def __init__(self, config: dict) -> None:
        self.config = config

    async def _do_connect(self) -> int:
        raise NotImplementedError

    async def connect(self) -> int:
        try:
            return await self._do_connect()
        except BaseException as exc:  # expect: CTX402
            logger.warning("connection failed: %r", exc)
            if not self.config.get("auto_reconnect", False):
                raise
            return await self.reconnect()

    async def reconnect(self) -> int:
        retries = self.config.get("reconnect_retries", 5)
        attempt = 1
        while True:
            try:
                return await self._do_connect()
            except BaseException as exc:  # expect: CTX402
                logger.warning("reconnect attempt failed: %r", exc)
                if retries >= 0 and attempt > retries:
                    raise ConnectError("too many connection attempts")
                await asyncio.sleep(min(2 ** attempt, 10))
                attempt += 1
