# source: home-assistant-libs/aioshelly#513 (fix: commit 1978474 "Save strong reference to create_task"); same shape in #623 (WsServer.close)
# bug: the CoAP message callback (a plain function called by the datagram protocol) starts device initialisation with loop.create_task(...) and keeps no reference; the websocket server's close() does the same for its cleanup
# fix: keep the task on self._init_task and clear it in a done callback; route cleanup through a tracked-task helper
import asyncio


class BlockDevice:
    def __init__(self, coap) -> None:
        self.coap = coap
        self.initialized = False
        self._initializing = False

    async def _async_init(self) -> None:
        self._initializing = True
        try:
            await self.coap.request_status()
            self.initialized = True
        finally:
            self._initializing = False

    def _coap_message_received(self, msg) -> None:
        if not self._initializing and not self.initialized:
            loop = asyncio.get_running_loop()
            loop.create_task(self._async_init())  # expect: CTX401
            return
        self._apply(msg)

    def _apply(self, msg) -> None:
        pass


class WsServer:
    def __init__(self, runner) -> None:
        self._runner = runner

    def close(self) -> None:
        if self._runner is not None:
            loop = asyncio.get_running_loop()
            loop.create_task(self._runner.cleanup())  # expect: CTX401
