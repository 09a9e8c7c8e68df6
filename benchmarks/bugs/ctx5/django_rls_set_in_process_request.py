# source: dvoraj75/django-rls-tenants#58 ("RLSTenantMiddleware raises `Token was created in a different Context` under ASGI")
# bug: a sync MiddlewareMixin sets the tenant ContextVars in process_request, stores the tokens on the request and resets them in process_response; under ASGI Django runs each hook in its own sync_to_async hop, so the reset happens in a different Context and raises ValueError (and a request whose process_response never runs leaves the tenant set)
# fix: set and reset in one place (a __call__-style middleware with try/finally, or a native async middleware)
from contextvars import ContextVar
from typing import Optional, Union

from django.utils.deprecation import MiddlewareMixin

current_tenant_id: ContextVar[Optional[Union[int, str]]] = ContextVar("rls_current_tenant_id", default=None)
rls_context_active: ContextVar[bool] = ContextVar("rls_context_active", default=False)


class RLSTenantMiddleware(MiddlewareMixin):
    def process_request(self, request) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        tenant = None if user.is_tenant_admin else user.rls_tenant_id
        request._rls_tenant_token = current_tenant_id.set(tenant)  # expect: CTX5
        request._rls_active_token = rls_context_active.set(True)  # expect: CTX5

    def process_response(self, request, response):
        token = getattr(request, "_rls_tenant_token", None)
        if token is not None:
            current_tenant_id.reset(token)
        active = getattr(request, "_rls_active_token", None)
        if active is not None:
            rls_context_active.reset(active)
        return response
