# ctxlint: select = ["CTX5"]
# CTX502: an attach whose detach runs somewhere that cannot restore the context: a Django
# response hook (opentelemetry-python-contrib#4102: under ASGI each hook runs in its own
# context copy, and a cancelled request never runs process_response), another method of a
# middleware every request shares, or a generator that detaches only when its consumer
# finishes iterating (openinference#3078).
from django.utils.deprecation import MiddlewareMixin
from opentelemetry import context, propagate
from opentelemetry.context import detach

_TOKEN = "otel.token"


class OtelMiddleware(MiddlewareMixin):
    def process_request(self, request):
        token = context.attach(propagate.extract(request.META))  # error: CTX502
        request.META[_TOKEN] = token

    def process_response(self, request, response):
        token = request.META.pop(_TOKEN, None)
        if token is not None:
            detach(token)
        return response


class SharedMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        self._enter(scope)
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave()

    def _enter(self, scope):
        self._token = context.attach(propagate.extract(dict(scope["headers"])))  # error: CTX502

    def _leave(self):
        context.detach(self._token)


class StreamWrapper:
    def run(self, wrapped, value):
        token = context.attach(context.set_value("node", value))  # error: CTX502
        result = wrapped()
        if hasattr(result, "__iter__"):
            return self._stream(result, token)
        context.detach(token)
        return result

    def _stream(self, iterator, token):
        try:
            yield from iterator
        finally:
            context.detach(token)


# --- not reported ---------------------------------------------------------------------


class CallMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.attach(propagate.extract(request.META))
        try:
            return self.get_response(request)
        finally:
            context.detach(token)


class Activation:
    """`with` runs `__enter__` and `__exit__` in one context."""

    def __init__(self, ctx):
        self.ctx = ctx

    def __enter__(self):
        self._token = context.attach(self.ctx)
        return self

    def __exit__(self, *exc):
        context.detach(self._token)


class PerStepWrapper:
    def run(self, wrapped, value):
        ctx = context.set_value("node", value)
        return self._stream(wrapped(), ctx)

    def _stream(self, iterator, ctx):
        for item in iterator:
            token = context.attach(ctx)
            try:
                step = item.compute()
            finally:
                context.detach(token)
            yield step
