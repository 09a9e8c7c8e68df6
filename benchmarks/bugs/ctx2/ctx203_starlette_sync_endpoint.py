# source: encode/starlette#191 (fix: encode/starlette#192, commit b686174d0e74fc1f0b61da231f062e50f8c39e68)
# bug: request_response() ran sync endpoints with loop.run_in_executor(None, func, request); the Sentry scope that the ASGI middleware keeps in contextvars is missing in the endpoint, so its events lose the request's tags and breadcrumbs
# fix: run_in_threadpool(): copy_context() and run func through context.run in the executor
import asyncio

import sentry_sdk
from starlette.requests import Request
from starlette.responses import PlainTextResponse


def request_response(func):
    is_coroutine = asyncio.iscoroutinefunction(func)

    def app(scope):
        async def awaitable(receive, send):
            request = Request(scope, receive=receive)
            if is_coroutine:
                response = await func(request)
            else:
                loop = asyncio.get_event_loop()
                response = await loop.run_in_executor(None, func, request)  # expect: CTX203
            await response(receive, send)

        return awaitable

    return app


def checkout(request):
    sentry_sdk.add_breadcrumb(category="checkout", message="cart loaded")
    if not request.query_params.get("cart"):
        sentry_sdk.capture_message("checkout without cart")
    return PlainTextResponse("ok")


checkout_app = request_response(checkout)
