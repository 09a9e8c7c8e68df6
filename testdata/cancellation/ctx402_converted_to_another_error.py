# ctxlint: select = ["CTX4"]
# CTX402: a handler for everything (`except BaseException`, bare `except:`) that raises a
# *different* exception turns the task's cancellation into that error (amqtt#29: a
# cancelled connect() became a ConnectError). The task no longer ends cancelled:
# `asyncio.timeout()` raises that error instead of TimeoutError, a TaskGroup takes it for
# a failure. Re-raising the caught exception itself, or converting only after letting
# CancelledError through, is fine.
import asyncio
import logging

log = logging.getLogger(__name__)


class ConnectError(Exception):
    pass


async def connect(client):
    await asyncio.sleep(0)
    return client


async def connect_or_wrap(client):
    try:
        return await connect(client)
    except BaseException as exc:  # error: CTX402
        raise ConnectError("connection failed") from exc


async def reconnect_until_given_up(client, retries):
    attempt = 0
    while True:
        try:
            return await connect(client)
        except BaseException:  # error: CTX402
            attempt += 1
            if attempt > retries:
                raise ConnectError("too many attempts")
            await asyncio.sleep(1)


async def bare_wrap(client):
    try:
        await connect(client)
    except:  # error: CTX402
        log.warning("failed")
        raise RuntimeError("no connection")


# --- not reported ---------------------------------------------------------------------


async def reraises_the_caught_exception(client):
    try:
        await connect(client)
    except BaseException as exc:
        log.warning("failed: %r", exc)
        raise exc


async def converts_only_errors(client):
    try:
        await connect(client)
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        raise ConnectError("connection failed") from exc


async def converts_only_ordinary_errors(client):
    try:
        await connect(client)
    except BaseException as exc:
        if isinstance(exc, Exception):
            raise ConnectError("connection failed") from exc
        raise


async def deliberate_conversion_of_the_cancel(client):
    # naming CancelledError and raising something else is a decision about it (wait_for does this)
    try:
        await connect(client)
    except asyncio.CancelledError:
        raise TimeoutError("gave up waiting") from None
