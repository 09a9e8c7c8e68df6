"""Shapes of functions that start handling a request or message (runtime-semantics.md §D)."""

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})
VIEWSET_ACTIONS = frozenset({"list", "create", "retrieve", "update", "partial_update", "destroy"})

# `@<obj>.<method>(...)` registers a request handler (Flask, Quart, FastAPI, Sanic,
# aiohttp RouteTableDef, Starlette < 1.0).
ROUTE_DECORATOR_METHODS = frozenset(
    {
        "route", "get", "post", "put", "patch", "delete", "head", "options", "websocket",
        "api_route", "view", "websocket_route",
    }
)
# `@<app>.task`, `@<app>.task(...)`: Celery tasks.
TASK_DECORATOR_METHODS = frozenset({"task"})

# Fully resolved decorators (call parentheses stripped).
ENTRY_POINT_DECORATORS: dict[str, str] = {
    "celery.shared_task": "Celery task",
    "celery.task": "Celery task",
    "dramatiq.actor": "Dramatiq actor",
    "pyramid.view.view_config": "Pyramid view",
    "rest_framework.decorators.api_view": "DRF view",
    "rest_framework.decorators.action": "DRF view action",
    "litestar.get": "Litestar handler",
    "litestar.post": "Litestar handler",
    "litestar.put": "Litestar handler",
    "litestar.patch": "Litestar handler",
    "litestar.delete": "Litestar handler",
    "litestar.route": "Litestar handler",
    "litestar.websocket": "Litestar handler",
}
# Decorators recognised by their bare name when imported under it.
BARE_ENTRY_POINT_DECORATORS: dict[str, str] = {
    "shared_task": "Celery task",
    "actor": "Dramatiq actor",
    "view_config": "Pyramid view",
    "api_view": "DRF view",
}

# Class-based views: bases whose HTTP-verb methods are handlers (last name of the base).
VIEW_BASES = frozenset(
    {
        "View", "APIView", "GenericAPIView", "ViewSet", "GenericViewSet", "ModelViewSet",
        "ReadOnlyModelViewSet", "MethodView", "RequestHandler", "HTTPEndpoint",
        "HTTPMethodView", "Controller", "WebSocketHandler",
    }
)

LAMBDA_HANDLER_NAMES = frozenset({"lambda_handler"})

# Context managers / decorators that make a span current for their body.
SPAN_CONTEXT_MANAGERS = frozenset({"start_as_current_span", "use_span"})
