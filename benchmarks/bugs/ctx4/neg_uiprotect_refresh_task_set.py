# source: uilibs/uiprotect#129 (fixed version, src/uiprotect/data/bootstrap.py)
# bug: none: the refresh task is kept in a set until done, and the error tuple no longer contains CancelledError
# fix: (this is the fixed code)
# expect: none
import asyncio
import logging

import aiohttp

_LOGGER = logging.getLogger(__name__)


class Inventory:
    def __init__(self, api) -> None:
        self._api = api
        self.devices = {}
        self._refresh_tasks: "set[asyncio.Task]" = set()

    def on_invalid_packet(self, kind: str, device_id: str) -> None:
        task = asyncio.create_task(self.refresh_device(kind, device_id))
        self._refresh_tasks.add(task)
        task.add_done_callback(self._refresh_tasks.discard)

    async def refresh_device(self, kind: str, device_id: str) -> None:
        try:
            device = await self._api.get_device(kind, device_id)
        except (ValueError, asyncio.TimeoutError, aiohttp.ClientError):
            _LOGGER.warning("failed to refresh %s %s", kind, device_id)
            return
        self.devices[device_id] = device
