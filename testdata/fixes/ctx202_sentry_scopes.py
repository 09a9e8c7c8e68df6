"""In a project that uses Sentry, the fixes also fork Sentry's scopes in the worker: a
copied context alone would share the caller's scopes (its current span would become the
worker's)."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

import sentry_sdk

request_id = ContextVar("request_id", default="-")


@sentry_sdk.trace
def render(page):
    return request_id.get(), page


def handle(page):
    with ThreadPoolExecutor() as pool:
        return pool.submit(render, page).result()


def audit(page):
    threading.Thread(target=render, args=(page,)).start()


async def handle_async(page):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, render, page)
