# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX402: handlers that catch the task's cancellation and can finish without re-raising.
import asyncio
import contextlib
import logging
from asyncio import CancelledError

import anyio

log = logging.getLogger(__name__)


async def fetch():
    await asyncio.sleep(1)


async def returns_none():
    try:
        return await fetch()
    except asyncio.CancelledError:  # error: CTX402
        return None


async def logs_and_continues():
    while True:
        try:
            await fetch()
        except (CancelledError, OSError):  # error: CTX402
            log.warning("fetch failed")


async def bare_except():
    try:
        await fetch()
    except:  # error: CTX402
        log.exception("boom")


async def base_exception(queue):
    try:
        async for item in queue:
            print(item)
    except BaseException:  # error: CTX402
        pass


async def reraises_on_one_branch_only(retry):
    try:
        await fetch()
    except asyncio.CancelledError:  # error: CTX409
        if retry:
            raise


async def breaks_out(items):
    for item in items:
        try:
            await fetch()
        except asyncio.exceptions.CancelledError:  # error: CTX402
            break


async def suppressed():
    with contextlib.suppress(asyncio.CancelledError):  # error: CTX402
        await fetch()


async def anyio_cancellation():
    try:
        await anyio.sleep(1)
    except anyio.get_cancelled_exc_class():  # error: CTX409
        log.info("stopped")


# --- correct idioms: never reported -------------------------------------------------


async def cleans_up_and_reraises(connection):
    try:
        await fetch()
    except asyncio.CancelledError:
        connection.abort()
        raise


async def base_exception_reraised():
    try:
        await fetch()
    except BaseException:
        log.exception("fetch failed")
        raise


async def raises_something_else():
    try:
        await fetch()
    except asyncio.CancelledError as exc:
        raise TimeoutError("fetch cancelled") from exc


async def only_exceptions():
    try:
        await fetch()
    except Exception:  # CancelledError is a BaseException since 3.8
        log.exception("fetch failed")


def synchronous(future):
    try:
        return future.result()
    except asyncio.CancelledError:  # not a coroutine: nothing here is being cancelled
        return None


async def no_await_in_try(task):
    try:
        return task.result()  # another task's outcome: our task cannot be cancelled here
    except asyncio.CancelledError:
        return None


async def earlier_handler_reraises():
    try:
        await fetch()
    except asyncio.CancelledError:
        raise
    except BaseException:  # never sees the cancellation: the first handler took it
        log.exception("fetch failed")


async def deferred(callbacks):
    error = None
    try:
        await fetch()
    except BaseException as exc:
        error = exc
    await asyncio.gather(*callbacks)
    if error is not None:
        raise error


async def handed_to_a_future(future):
    try:
        future.set_result(await fetch())
    except BaseException as exc:
        future.set_exception(exc)


async def decides_on_its_own_cancellation():
    try:
        await fetch()
    except asyncio.CancelledError:
        if asyncio.current_task().cancelling():
            raise
        log.info("cancelled by a child, carrying on")


def _reraise_cancellation(exc: BaseException) -> None:
    if not isinstance(exc, Exception):
        raise exc
    log.error("failed", exc_info=exc)


async def reraised_by_a_helper():
    try:
        await fetch()
    except BaseException as exc:
        _reraise_cancellation(exc)


async def exits_the_process():
    import sys

    try:
        await fetch()
    except asyncio.CancelledError:
        sys.exit(1)


async def futures_cancelled_error():
    import concurrent.futures

    try:
        await fetch()
    except concurrent.futures.CancelledError:  # a different class from asyncio's
        return None


# --- the cancellation handed on to a waiter's future (anyio's BlockingPortal) -----------

from concurrent.futures import Future  # noqa: E402


async def call_for_a_thread(func, future: Future):
    try:
        result = await func()
    except asyncio.CancelledError:
        future.cancel()  # the waiting thread gets the cancellation
    else:
        future.set_result(result)


async def call_and_fail_a_future(func, future: "asyncio.Future[int]"):
    try:
        await func()
    except asyncio.CancelledError as exc:
        future.set_exception(exc)
