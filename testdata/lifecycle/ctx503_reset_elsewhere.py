# ctxlint: select = ["CTX5"]
# CTX503: a ContextVar token that is reset somewhere it cannot work, or never: set in a
# Django request hook and reset in a response hook (django-rls-tenants#58: each hook runs in
# its own context copy under ASGI), kept on a middleware object that every request shares
# and reset from another method (fastapi-events#5), thrown away in `__enter__` or a
# context manager's setup (dify#35773), or kept only for the last round of a loop.
import contextvars
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Dict

from django.utils.deprecation import MiddlewareMixin

tenant = ContextVar("tenant", default=None)
events = ContextVar("events")


class TenantMiddleware(MiddlewareMixin):
    def process_request(self, request):
        request._tenant_token = tenant.set(request.user.tenant_id)  # error: CTX503

    def process_response(self, request, response):
        token = getattr(request, "_tenant_token", None)
        if token is not None:
            tenant.reset(token)
        return response


class EventsMiddleware:
    def __init__(self, app):
        self.app = app
        self._token = None

    async def __call__(self, scope, receive, send):
        self._start()
        try:
            await self.app(scope, receive, send)
        finally:
            self._stop()

    def _start(self):
        self._token = events.set([])  # error: CTX503

    def _stop(self):
        events.reset(self._token)


class Snapshot:
    def __init__(self, values: Dict[contextvars.ContextVar, object]):
        self._values = values

    def __enter__(self):
        for var, value in self._values.items():
            var.set(value)  # error: CTX503
        return self

    def __exit__(self, *exc):
        return None

    @contextmanager
    def applied(self):
        for var, value in self._values.items():
            var.set(value)  # error: CTX503
        yield


def replay(values):
    for value in values:
        token = tenant.set(value)  # error: CTX503
        print(tenant.get())
    tenant.reset(token)


# --- not reported ---------------------------------------------------------------------


class CallMiddleware:
    """Set and reset in one call: a local token, try/finally."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = tenant.set(request.user.tenant_id)
        try:
            return self.get_response(request)
        finally:
            tenant.reset(token)


class TenantScope:
    """A context manager object: `with` runs `__enter__` and `__exit__` in one context."""

    def __init__(self, tenant_id):
        self.tenant_id = tenant_id

    def __enter__(self):
        self._token = tenant.set(self.tenant_id)
        return self

    def __exit__(self, *exc):
        tenant.reset(self._token)


class Session:
    """Not a shared middleware: one object per unit of work."""

    def begin(self):
        self._token = events.set([])

    def end(self):
        events.reset(self._token)


class RestoredSnapshot:
    def __init__(self, values: Dict[contextvars.ContextVar, object]):
        self._values = values
        self._tokens = []

    def __enter__(self):
        for var, value in self._values.items():
            self._tokens.append(var.set(value))
        return self

    def __exit__(self, *exc):
        for token in reversed(self._tokens):
            token.var.reset(token)


@contextmanager
def applied(values: Dict[ContextVar, object]):
    saved = {var: var.get(None) for var in values}
    for var, value in values.items():
        var.set(value)
    try:
        yield
    finally:
        for var, value in saved.items():
            var.set(value)


def replay_each(values):
    for value in values:
        token = tenant.set(value)
        try:
            print(tenant.get())
        finally:
            tenant.reset(token)


@contextmanager
def temporary_context(context: contextvars.Context):
    # prefect's temporary_context: every round's token is kept and reset on exit
    tokens = {}
    for key, value in context.items():
        token = key.set(value)
        tokens[key] = token
    try:
        yield
    finally:
        for key, token in tokens.items():
            key.reset(token)
