# source: ikalchev/HAP-python#460 (fix: commit 91af8a2 "Ensure tasks are not garbage collected before they finish")
# bug: the accessory server wraps executor work in asyncio.ensure_future(loop.run_in_executor(...)) from protocol and driver callbacks and drops the result: the wrapping future can be collected and its errors are never seen
# fix: a util.async_create_background_task() helper that keeps each task in a module-level set until done
import asyncio


class AccessoryDriver:
    def __init__(self, advertiser) -> None:
        self.advertiser = advertiser
        self.state = {}

    def persist(self) -> None:
        pass

    def finish_pair(self) -> None:
        pass

    def update_advertisement(self, info) -> None:
        asyncio.ensure_future(self.advertiser.async_update_service(info))  # expect: CTX401

    def async_persist(self) -> None:
        loop = asyncio.get_event_loop()
        asyncio.ensure_future(loop.run_in_executor(None, self.persist))  # expect: CTX401


class HAPServerProtocol(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop, driver: AccessoryDriver) -> None:
        self.loop = loop
        self.driver = driver

    def data_received(self, data: bytes) -> None:
        if data.startswith(b"PAIR"):
            asyncio.ensure_future(  # expect: CTX401
                self.loop.run_in_executor(None, self.driver.finish_pair)
            )
