# ctxlint: select = ["CTX4"]
# CTX401: a task factory given to a loop method as the callback, or a lambda that returns
# a new task to one: the loop calls it and throws the task away, so the task has no owner
# (home-assistant#88572's fire_coroutine_threadsafe, signal handlers that start shutdown).
import asyncio
import functools
import signal


async def shutdown(loop):
    await asyncio.sleep(0)


def fire_threadsafe(loop: asyncio.AbstractEventLoop, coro):
    loop.call_soon_threadsafe(asyncio.ensure_future, coro)  # error: CTX401


def later(loop: asyncio.AbstractEventLoop, coro):
    loop.call_later(5, functools.partial(asyncio.create_task, coro))  # error: CTX401


def install(loop: asyncio.AbstractEventLoop):
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.create_task(shutdown(loop)))  # error: CTX401


def chain(future: asyncio.Future, loop):
    future.add_done_callback(lambda _: asyncio.ensure_future(shutdown(loop)))  # error: CTX401


# --- not reported ---------------------------------------------------------------------

background = set()


def keep(coro):
    task = asyncio.ensure_future(coro)
    background.add(task)
    task.add_done_callback(background.discard)


def fire_and_keep(loop: asyncio.AbstractEventLoop, coro):
    loop.call_soon_threadsafe(keep, coro)


def safe_threadsafe(loop: asyncio.AbstractEventLoop, coro):
    return asyncio.run_coroutine_threadsafe(coro, loop)


def install_keeping(loop: asyncio.AbstractEventLoop):
    loop.add_signal_handler(signal.SIGTERM, lambda: keep(shutdown(loop)))


def a_lambda_kept_elsewhere(loop):
    start = lambda: asyncio.create_task(shutdown(loop))  # noqa: E731
    return start
