# ctxlint: extend-select = ["CTX2"]  # CTX201 is preview
# CTX203: loop.run_in_executor without a copied context.
import asyncio
import contextvars
import functools
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


request_id = contextvars.ContextVar("request_id", default="-")


def render(item):
    return f"{request_id.get()}: {item}"


def checksum(item):
    return hash(item)  # pure computation: nothing to lose


async def handle(item):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, render, item)  # error: CTX203
    await asyncio.get_event_loop().run_in_executor(None, render, item)  # error: CTX203
    with ThreadPoolExecutor() as pool:
        await loop.run_in_executor(pool, render, item)  # error: CTX203
    future = loop.run_in_executor(None, functools.partial(render, item))  # error: CTX203
    return await future


# --- correct idioms: never reported -------------------------------------------------


async def free_work(item):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, checksum, item)


async def handle_to_thread(item):
    await asyncio.to_thread(render, item)


async def handle_copied(item):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, contextvars.copy_context().run, render, item)
    await loop.run_in_executor(None, functools.partial(contextvars.copy_context().run, render, item))


async def handle_process_pool(item):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor() as pool:
        await loop.run_in_executor(pool, render, item)


def not_asyncio(scheduler, item):
    scheduler.run_later(render, item)


async def injected_executor(executor, item):
    # regression: langchain passes its own executor (ContextThreadPoolExecutor copies)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, render, item)


async def cast_copied(item):
    # regression: langchain wraps the copied callable in typing.cast
    from typing import cast

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, cast("Callable[..., int]", functools.partial(contextvars.copy_context().run, render, item)))
