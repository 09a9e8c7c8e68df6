"""CTX202 fixes: `submit` gets `contextvars.copy_context().run`; `map` has no fix."""

from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

request_id = ContextVar("request_id", default="-")


def render(page, locale="en"):
    return request_id.get(), page, locale


class Renderer:
    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=4)

    def render_later(self, page):
        return self._pool.submit(render, page, locale="fr")


def handle(pages):
    with ThreadPoolExecutor() as pool:
        first = pool.submit(render, pages[0])
        rest = [pool.submit(render, page) for page in pages[1:]]
        # No fix for map: each item needs its own copy of the context.
        mapped = list(pool.map(render, pages))
    return first.result(), rest, mapped


def handle_one(page, pool: ThreadPoolExecutor):
    return pool.submit(render, page).result()
