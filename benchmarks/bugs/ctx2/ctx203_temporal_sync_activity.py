# source: temporalio/sdk-python#263 (fix: commit 3c8ee0a0ee5101a85e02aa0c7c865598b1f9612d, temporalio/sdk-python#268)
# bug: sync activities run through loop.run_in_executor on the worker's configured executor; ContextVars that interceptors set for the activity (tenant, trace context) are empty in the activity thread
# fix: if the executor is a ThreadPoolExecutor, run the call as contextvars.copy_context().run(...)
import asyncio
import contextvars
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

current_tenant: contextvars.ContextVar = contextvars.ContextVar("current_tenant", default=None)


@dataclass
class ExecuteActivityInput:
    fn: Callable[..., Any]
    args: Sequence[Any]
    headers: dict
    executor: Optional[Any]


def _execute_sync_activity(heartbeat, fn, *args):
    heartbeat()
    return fn(*args)


class ActivityInbound:
    async def execute_activity(self, inp: ExecuteActivityInput):
        if inspect.iscoroutinefunction(inp.fn):
            return await inp.fn(*inp.args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(inp.executor, _execute_sync_activity, lambda: None, inp.fn, *inp.args)  # expect: CTX203


class TenantInterceptor(ActivityInbound):
    async def execute_activity(self, inp: ExecuteActivityInput):
        token = current_tenant.set(inp.headers.get("tenant"))
        try:
            return await super().execute_activity(inp)
        finally:
            current_tenant.reset(token)


def charge_invoice(invoice_id):
    tenant = current_tenant.get()
    if tenant is None:
        raise RuntimeError("no tenant in activity context")
    return f"{tenant}:{invoice_id}"
