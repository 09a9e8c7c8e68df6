# source: ikalchev/HAP-python#460 (fixed version, pyhap/util.py async_create_background_task)
# bug: none: every fire-and-forget task goes through a helper that keeps it in a module-level set until it is done
# fix: (this is the fixed code)
# expect: none
import asyncio
from typing import Awaitable, Set

_BACKGROUND_TASKS: Set[asyncio.Future] = set()


def async_create_background_task(aw: Awaitable) -> asyncio.Future:
    task = asyncio.ensure_future(aw)
    _BACKGROUND_TASKS.add(task)
    task.add_done_callback(_BACKGROUND_TASKS.discard)
    return task


class AccessoryDriver:
    def __init__(self, advertiser) -> None:
        self.advertiser = advertiser

    def update_advertisement(self, info) -> None:
        async_create_background_task(self.advertiser.async_update_service(info))

    def async_announce(self, info) -> None:
        async_create_background_task(self.advertiser.async_register_service(info))
