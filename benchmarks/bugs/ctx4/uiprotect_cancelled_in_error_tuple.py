# source: uilibs/uiprotect#129 (fix: commit 09bc38b "do not swallow asyncio.CancelledError")
# bug: asyncio.CancelledError sits in a tuple of network errors; the refresh logs a warning and returns, so a cancelled refresh (shutdown, timeout) looks like a finished one
# fix: remove CancelledError from the tuples so cancellation propagates
import asyncio
import logging

import aiohttp

_LOGGER = logging.getLogger(__name__)


class Inventory:
    def __init__(self, api) -> None:
        self._api = api
        self.devices = {}

    async def refresh_device(self, kind: str, device_id: str) -> None:
        try:
            device = await self._api.get_device(kind, device_id)
        except (  # expect: CTX402
            ValueError,
            asyncio.TimeoutError,
            asyncio.CancelledError,
            aiohttp.ClientError,
        ):
            _LOGGER.warning("failed to refresh %s %s", kind, device_id)
            return
        self.devices[device_id] = device

    async def queue_update(self, pending: asyncio.Event, flush) -> None:
        try:
            await asyncio.wait_for(pending.wait(), 0.05)
            return
        except (asyncio.TimeoutError, asyncio.CancelledError):  # expect: CTX402
            await flush()
