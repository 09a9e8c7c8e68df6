"""Handling one order: audit log in a thread, rendering in a pool, a blocking lookup."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from orders.context import log, request_id

_renderer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="render")


def write_audit_entry(order_id):
    log(f"audit: order {order_id} accepted")


def render_receipt(order_id):
    log(f"render: receipt for order {order_id}")
    return f"receipt-{order_id}"


def lookup_price(order_id):
    log(f"lookup: price for order {order_id}")
    return 10 * order_id


def handle_order(order_id):
    log(f"handling order {order_id}")
    audit = threading.Thread(target=write_audit_entry, args=(order_id,))
    audit.start()
    receipt = _renderer.submit(render_receipt, order_id).result()
    audit.join()
    return receipt


async def quote(order_id):
    loop = asyncio.get_running_loop()
    price = await loop.run_in_executor(None, lookup_price, order_id)
    log(f"quoted {price}")
    return price


def serve(order_id):
    """What the web framework does for each request: set the context, call the handler."""
    token = request_id.set(f"req-{order_id}")
    try:
        receipt = handle_order(order_id)
        price = asyncio.run(quote(order_id))
        return receipt, price
    finally:
        request_id.reset(token)
