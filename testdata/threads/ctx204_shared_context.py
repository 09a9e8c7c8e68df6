# CTX204: one Context entered by several concurrent workers.
import asyncio
import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor


def process(item):
    return item


def fan_out(items):
    ctx = contextvars.copy_context()
    with ThreadPoolExecutor() as pool:
        for item in items:
            pool.submit(ctx.run, process, item)  # error: CTX204
        list(pool.map(ctx.run, [process] * 3))  # error: CTX204


def twice():
    ctx = contextvars.copy_context()
    first = threading.Thread(target=ctx.run, args=(process, 1))
    second = threading.Thread(target=ctx.run, args=(process, 2))  # error: CTX204
    first.start()
    second.start()


def comprehension(pool, items):
    ctx = contextvars.copy_context()
    return [pool.submit(ctx.run, process, item) for item in items]  # error: CTX204


# --- correct idioms: never reported -------------------------------------------------


def fan_out_fresh(items):
    with ThreadPoolExecutor() as pool:
        for item in items:
            pool.submit(contextvars.copy_context().run, process, item)
        for item in items:
            ctx = contextvars.copy_context()
            pool.submit(ctx.run, process, item)


def once(pool):
    ctx = contextvars.copy_context()
    return pool.submit(ctx.run, process, 1)


async def sequential(items):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    for item in items:
        await loop.run_in_executor(None, ctx.run, process, item)


def waited(pool, items):
    ctx = contextvars.copy_context()
    for item in items:
        pool.submit(ctx.run, process, item).result()


def either_branch(pool, is_async):
    # regression: prefect task_runners submits one context in mutually exclusive branches
    context = contextvars.copy_context()
    if is_async:
        future = pool.submit(context.run, asyncio.run, process(1))
    else:
        future = pool.submit(context.run, process, 1)
    return future
