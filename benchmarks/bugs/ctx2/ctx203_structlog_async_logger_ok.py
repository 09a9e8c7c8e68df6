# source: hynek/structlog commit fe3176fa5c9c6a72d645b373fbf655ca1b440826 (AsyncBoundLogger._dispatch_to_sync)
# expect: none
# bug: The async logger hands the sync logging call to a thread pool inside functools.partial(ctx.run, ...), so merge_contextvars sees the caller's bound values.
import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import structlog


class AsyncBoundLogger:
    _executor = ThreadPoolExecutor(max_workers=1)

    def __init__(self, sync_logger):
        self.sync_bl = sync_logger

    async def _dispatch_to_sync(self, meth, event, args, kw):
        ctx = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, partial(ctx.run, partial(meth, event, *args, **kw)))

    async def info(self, event, *args, **kw):
        await self._dispatch_to_sync(self.sync_bl.info, event, args, kw)


log = AsyncBoundLogger(structlog.get_logger())


async def handle(request_id):
    structlog.contextvars.bind_contextvars(request_id=request_id)
    await log.info("handled")
