# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX402 false-positive pattern (temporalio testing, benchmarks/PRECISION.md): a
# best-effort cleanup inside an outer handler that re-raises. The inner bare `except:`
# only guards the cleanup; the statement after it raises, so the coroutine still ends with
# an exception.
import asyncio
import contextlib
import logging

logger = logging.getLogger(__name__)


async def start_server(server, connect):
    try:
        client = await connect(server.target)
    except:
        try:
            await server.shutdown()
        except:
            logger.warning("Failed stopping server after a connection failure", exc_info=True)
        raise
    return server, client


async def unlock_then_reraise(client):
    try:
        await client.skip_time()
    except BaseException:
        try:
            await client.lock()
        except BaseException:
            logger.exception("Failed locking after error")
        raise


async def suppress_then_reraise(resource):
    try:
        await resource.use()
    except BaseException:
        with contextlib.suppress(asyncio.CancelledError):
            await resource.release()
        raise


# --- still reported ---------------------------------------------------------------------


async def returns_before_the_raise(server, connect):
    try:
        return await connect(server.target)
    except:  # error: CTX402
        try:
            await server.shutdown()
        except:  # error: CTX402
            return None
        raise


async def raise_only_on_one_branch(server, connect, strict):
    try:
        return await connect(server.target)
    except Exception:
        try:
            await server.shutdown()
        except BaseException:  # error: CTX402
            logger.warning("shutdown failed")
        if strict:
            raise


async def nothing_raised_after(server):
    try:
        await server.shutdown()
    except BaseException:  # error: CTX402
        logger.warning("shutdown failed")
    logger.info("done")
