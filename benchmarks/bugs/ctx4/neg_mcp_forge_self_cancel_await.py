# source: IBM/mcp-context-forge#2941 (kept on purpose: "preserve the standard task.cancel(); await task; except CancelledError: pass pattern in shutdown methods where cancellation is self-initiated")
# bug: none: the service cancels its own listener task and waits for it; the CancelledError caught is the listener's, not the caller's
# fix: (this is correct code)
# expect: none
import asyncio
import logging

logger = logging.getLogger(__name__)


class SessionPool:
    def __init__(self, redis) -> None:
        self._redis = redis
        self._listener: "asyncio.Task | None" = None

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe("sessions")
        try:
            async for message in pubsub.listen():
                logger.debug("message %s", message)
        finally:
            await pubsub.unsubscribe("sessions")

    async def shutdown(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except asyncio.CancelledError:
                pass
            self._listener = None
