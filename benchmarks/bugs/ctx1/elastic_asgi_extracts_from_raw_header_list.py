# source: elastic/apm-agent-python#2334 (commit 1f081dbd)
# bug: the ASGI middleware looks for traceparent in scope["headers"], a list of (bytes, bytes) pairs; nothing is ever found, so every request starts a new trace
# fix: decode the raw headers into a str dict (self.get_headers(scope)) before TraceParent.from_headers
from elasticapm.utils.disttracing import TraceParent


class TracingMiddleware:
    def __init__(self, app, client):
        self.app = app
        self.client = client

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.client.begin_transaction(  # expect: CTX1
            transaction_type="request",
            trace_parent=TraceParent.from_headers(scope["headers"]),
        )
        try:
            await self.app(scope, receive, send)
        finally:
            self.client.end_transaction(f"{scope['method']} {scope['path']}", "HTTP 2xx")
