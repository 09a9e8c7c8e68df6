import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import structlog
from langfuse import observe
from opentelemetry import context as otel_context

from shop.formatting import format_line
from shop.pools import ContextExecutor

log = structlog.get_logger()
renderer = ThreadPoolExecutor(max_workers=2)
copying = ContextExecutor(max_workers=2)
lock = threading.Lock()


def render_receipt(order):
    return format_line(f"receipt for {order}")


def write_audit(order):
    log.info("audit", order=order)  # structlog merges the request's context variables


@observe()
def summarise(order):
    return f"summary of {order}"


def release_lock():
    lock.release()  # free: nothing of the request is needed


def attach_and_run(parent, order):
    token = otel_context.attach(parent)
    try:
        return render_receipt(order)
    finally:
        otel_context.detach(token)


def run_later(callback, *args):
    """A helper that runs its caller's callable on a thread."""
    threading.Thread(target=callback, args=args).start()  # error: CTX201


def handle(order):
    renderer.submit(render_receipt, order)  # error: CTX202
    threading.Thread(target=write_audit, args=(order,)).start()  # error: CTX201
    renderer.submit(summarise, order)  # error: CTX202
    threading.Timer(30, release_lock).start()
    renderer.submit(attach_and_run, otel_context.get_current(), order)  # an explicit carrier
    copying.submit(render_receipt, order)  # the project's executor copies the context


async def handle_async(order):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(copying, render_receipt, order)
