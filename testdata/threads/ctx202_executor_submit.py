# ctxlint: extend-select = ["CTX2"]  # CTX201 is preview
# CTX202: ThreadPoolExecutor.submit/map without a copied context.
import asyncio
import concurrent.futures
import contextvars
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import ThreadPoolExecutor as Pool

POOL = ThreadPoolExecutor(max_workers=4)


request_id = contextvars.ContextVar("request_id", default="-")


def render(item):
    return f"{request_id.get()}: {item}"


def checksum(item):
    return hash(item)  # pure computation: nothing to lose


def handle(items):
    with ThreadPoolExecutor() as pool:
        pool.submit(render, 1)  # error: CTX202
        list(pool.map(render, items))  # error: CTX202
    executor = concurrent.futures.ThreadPoolExecutor()
    executor.submit(render, 2)  # error: CTX202
    POOL.submit(render, 3)  # error: CTX202
    Pool().submit(render, 4)  # error: CTX202


def annotated(pool: ThreadPoolExecutor, item):
    return pool.submit(render, item)  # error: CTX202


class Renderer:
    def __init__(self):
        self._pool = ThreadPoolExecutor()

    def render_all(self, items):
        return [self._pool.submit(render, item) for item in items]  # error: CTX202


# --- correct idioms: never reported -------------------------------------------------


def handle_copied(items):
    with ThreadPoolExecutor() as pool:
        pool.submit(contextvars.copy_context().run, render, 1)
        ctx = contextvars.copy_context()
        pool.submit(ctx.run, render, 2)
        futures = [pool.submit(contextvars.copy_context().run, render, item) for item in items]
    with ProcessPoolExecutor() as processes:
        processes.submit(render, 3)  # processes are CTX205's business
    return futures


def free_work(items):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(checksum, items))


def unknown_executor(executor, item):
    return executor.submit(render, item)  # not known to be a thread pool


def not_an_executor(queue, item):
    queue.submit(render, item)


class ClassLevelPool:
    pool = ThreadPoolExecutor()

    def render(self, item):
        return self.pool.submit(render, item)  # error: CTX202


class InjectedPool:
    def __init__(self, executor: "concurrent.futures.ThreadPoolExecutor | None" = None):
        self._executor = executor or concurrent.futures.ThreadPoolExecutor()

    def render(self, item):
        return self._executor.submit(render, item)  # error: CTX202


def futures_module_import(items):
    from concurrent import futures

    with futures.ThreadPoolExecutor() as pool:
        return {pool.submit(render, item): item for item in items}  # error: CTX202


async def fetch_remote(item):
    return render(item)  # the coroutine's body reads the request id


def run_coroutine_in_a_worker(item):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch_remote(item)).result()  # error: CTX202


async def count_remote(item):
    return checksum(item)


def run_free_coroutine_in_a_worker(item):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, count_remote(item)).result()


def _advance(index, generator):
    return index, next(generator, None)  # runs the caller's generator up to its next item


def interleave(generators):
    """Advances each of its caller's generators in a worker."""
    with ThreadPoolExecutor() as pool:
        return [pool.submit(_advance, index, generator) for index, generator in enumerate(generators)]  # error: CTX202


def handle_request(request, generators):
    token = request_id.set(request.id)  # the workers run for this request
    try:
        return interleave(generators)
    finally:
        request_id.reset(token)


def with_request_id(func):
    def wrapper(*args):
        print("request", request_id.get())  # runs around every call of the decorated function
        return func(*args)

    return wrapper


@with_request_id
def plain(item):
    return item


def handle_decorated(items):
    with ThreadPoolExecutor() as pool:
        return [pool.submit(plain, item) for item in items]  # error: CTX202
