# source: temporalio/sdk-python#268 (commit 3c8ee0a0ee5101a85e02aa0c7c865598b1f9612d, fixes temporalio/sdk-python#263)
# expect: none
# bug: The fix as shipped: the callable handed to run_in_executor is rebound to copy_context().run when the executor is a thread pool (a process pool cannot take a Context).
import asyncio
import concurrent.futures
import contextvars
import inspect
from typing import Any, Callable, List

current_tenant: contextvars.ContextVar = contextvars.ContextVar("current_tenant", default=None)


def _execute_sync_activity(heartbeat, fn, *args):
    heartbeat()
    return fn(*args)


class ActivityInbound:
    async def execute_activity(self, inp):
        if inspect.iscoroutinefunction(inp.fn):
            return await inp.fn(*inp.args)
        loop = asyncio.get_running_loop()
        func: Callable = _execute_sync_activity
        args: List[Any] = [lambda: None, inp.fn, *inp.args]
        if isinstance(inp.executor, concurrent.futures.ThreadPoolExecutor):
            current_context = contextvars.copy_context()
            args.insert(0, func)
            func = current_context.run
        return await loop.run_in_executor(inp.executor, func, *args)


def charge_invoice(invoice_id):
    return f"{current_tenant.get()}:{invoice_id}"
