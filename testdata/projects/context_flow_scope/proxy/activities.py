import asyncio

from proxy.tenancy import tenant


def _run_sync(function, *args):
    return function(*args)


class Inbound:
    async def execute(self, function, *args):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, _run_sync, function, *args)  # error: CTX203


class TenantInbound(Inbound):
    async def execute(self, function, *args):
        token = tenant.set("acme")
        try:
            return await super().execute(function, *args)
        finally:
            tenant.reset(token)


class WsgiBridge:
    """An ASGI application that runs a WSGI app per request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.app, scope, send)  # error: CTX203


class Batches:
    def __init__(self, runner):
        self.runner = runner

    async def flush(self, items):
        loop = asyncio.get_running_loop()
        # per-call, with a callable of unknown origin, but nothing here runs for a request
        return await loop.run_in_executor(None, self.runner, items)
