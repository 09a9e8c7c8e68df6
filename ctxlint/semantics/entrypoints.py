"""Shapes of functions that start handling a request or message (runtime-semantics.md §D).

Names are resolved dotted paths (`()` = an instance) unless a table says "last name".
"""

import re
from typing import Optional

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
# Methods whose name alone says "route" (the generic verbs need a known router or a path).
ROUTE_ONLY_METHODS = frozenset({"route", "api_route", "websocket", "websocket_route"})
# Objects whose route decorators register handlers (instances, resolved).
ROUTERS = frozenset(
    {
        "flask.Flask()", "flask.Blueprint()", "flask.app.Flask()", "flask.blueprints.Blueprint()",
        "quart.Quart()", "quart.Blueprint()",
        "fastapi.FastAPI()", "fastapi.APIRouter()", "fastapi.routing.APIRouter()",
        "starlette.applications.Starlette()", "starlette.routing.Router()",
        "sanic.Sanic()", "sanic.Blueprint()", "sanic.blueprints.Blueprint()",
        "aiohttp.web.RouteTableDef()", "aiohttp.web_routedef.RouteTableDef()",
    }
)
# `@<app>.task`, `@<app>.task(...)`: Celery (and Huey) tasks.
TASK_DECORATOR_METHODS = frozenset({"task"})
CELERY_APPS = frozenset({"celery.Celery()", "celery.app.Celery()", "celery.app.base.Celery()"})

# A decorator line registering a handler, in a file's bytes (the project pass reads the
# call graph of such files to know which functions requests reach).
DECORATED_HANDLER = re.compile(
    rb"^[ \t]*@[\w.]*(?:\.(?:route|get|post|put|patch|delete|websocket|api_route|task|actor|on)\(|\.event\b|"
    rb"(?:shared_task|actor|api_view|view_config|task)\b|route\([ \t]*[rbuf]?[\"']/)",
    re.MULTILINE,
)

# Fully resolved decorators (call parentheses stripped).
ENTRY_POINT_DECORATORS: dict[str, str] = {
    "celery.shared_task": "Celery task",
    "celery.task": "Celery task",
    "dramatiq.actor": "Dramatiq actor",
    "pyramid.view.view_config": "Pyramid view",
    "rest_framework.decorators.api_view": "DRF view",
    "rest_framework.decorators.action": "DRF view action",
    "functions_framework.http": "Cloud Functions handler",
    "functions_framework.cloud_event": "Cloud Functions handler",
    # runs each event in the request context of the client's connection (`request.sid`)
    "flask_socketio.SocketIO().on": "Flask-SocketIO event handler",
    "flask_socketio.SocketIO().event": "Flask-SocketIO event handler",
    **{
        f"{module}.{verb}": "Litestar handler"
        for module in ("litestar", "litestar.handlers")
        for verb in ("get", "post", "put", "patch", "delete", "head", "route", "websocket")
    },
}
# Decorators recognised by their bare name when the name cannot be resolved at all
# (a star import): `from celery import *`.
BARE_ENTRY_POINT_DECORATORS: dict[str, str] = {
    "shared_task": "Celery task",
    "actor": "Dramatiq actor",
    "view_config": "Pyramid view",
    "api_view": "DRF view",
}

# Class-based views: base-class path prefix -> (methods that handle a request, label).
_FLASK_VIEW_METHODS = HTTP_METHODS | {"dispatch_request"}
# Django's `View.dispatch` runs for every request before the method's handler: an
# override of it handles requests too.
_DJANGO_VIEW_METHODS = HTTP_METHODS | {"dispatch"}
VIEW_BASES: dict[str, tuple[frozenset, str]] = {
    "django.views.": (_DJANGO_VIEW_METHODS, "Django view method"),
    "rest_framework.views.": (_DJANGO_VIEW_METHODS, "DRF view method"),
    "rest_framework.generics.": (_DJANGO_VIEW_METHODS, "DRF view method"),
    "rest_framework.viewsets.": (_DJANGO_VIEW_METHODS | VIEWSET_ACTIONS, "DRF viewset action"),
    "flask.views.": (_FLASK_VIEW_METHODS, "Flask view method"),
    "quart.views.": (_FLASK_VIEW_METHODS, "Quart view method"),
    "tornado.web.RequestHandler": (HTTP_METHODS, "Tornado handler method"),
    "tornado.websocket.WebSocketHandler": (frozenset({"open", "on_message"}), "Tornado WebSocket handler"),
    "starlette.endpoints.HTTPEndpoint": (HTTP_METHODS, "Starlette endpoint method"),
    "starlette.endpoints.WebSocketEndpoint": (
        frozenset({"on_connect", "on_receive", "on_disconnect"}),
        "Starlette WebSocket endpoint",
    ),
    "aiohttp.web.View": (HTTP_METHODS, "aiohttp view method"),
    "aiohttp.web_urldispatcher.View": (HTTP_METHODS, "aiohttp view method"),
    "sanic.views.HTTPMethodView": (HTTP_METHODS, "Sanic view method"),
    "sanic.HTTPMethodView": (HTTP_METHODS, "Sanic view method"),
    "celery.Task": (frozenset({"run"}), "Celery task"),
    "celery.app.task.Task": (frozenset({"run"}), "Celery task"),
}


def view_kind(path: str) -> Optional[tuple[frozenset, str]]:
    """(handler methods, label) when the resolved base-class path is a known view base."""
    for prefix, kind in VIEW_BASES.items():
        if path == prefix or (prefix.endswith(".") and path.startswith(prefix)):
            return kind
    return None


# A class statement naming one of those bases, in a file's bytes (the project pass reads
# the call graph of such files to know that the project serves requests).
VIEW_CLASS = re.compile(
    rb"^[ \t]*class[ \t]+\w+[ \t]*\([^)]*\b(?:RequestHandler|WebSocketHandler|\w*View|\w*ViewSet|\w*Endpoint|Task)\b",
    re.MULTILINE,
)
# The same bases by last name, used only when a base cannot be resolved at all.
UNRESOLVED_VIEW_BASES: dict[str, tuple[frozenset, str]] = {
    "APIView": VIEW_BASES["rest_framework.views."],
    "GenericAPIView": VIEW_BASES["rest_framework.generics."],
    "ViewSet": VIEW_BASES["rest_framework.viewsets."],
    "GenericViewSet": VIEW_BASES["rest_framework.viewsets."],
    "ModelViewSet": VIEW_BASES["rest_framework.viewsets."],
    "ReadOnlyModelViewSet": VIEW_BASES["rest_framework.viewsets."],
    "MethodView": VIEW_BASES["flask.views."],
    "RequestHandler": VIEW_BASES["tornado.web.RequestHandler"],
    "HTTPEndpoint": VIEW_BASES["starlette.endpoints.HTTPEndpoint"],
    "HTTPMethodView": VIEW_BASES["sanic.views.HTTPMethodView"],
}

# Registration calls, by the callee's last name: positions and keywords where the handler
# is passed. The handler must be a function (or `self.<method>`) of the same module.
REGISTRATIONS: dict[str, tuple[tuple[int, ...], tuple[str, ...], str]] = {
    # Starlette / FastAPI route tables
    "Route": ((1,), ("endpoint",), "Starlette route endpoint"),
    "WebSocketRoute": ((1,), ("endpoint",), "Starlette WebSocket endpoint"),
    "APIRoute": ((1,), ("endpoint",), "FastAPI route endpoint"),
    "add_api_route": ((1,), ("endpoint",), "FastAPI route endpoint"),
    "add_api_websocket_route": ((1,), ("endpoint",), "FastAPI WebSocket endpoint"),
    # Flask / Quart
    "add_url_rule": ((2,), ("view_func",), "Flask view function"),
    # aiohttp `app.router.add_*`; Sanic / Starlette / aiohttp `add_route` (argument orders differ)
    **{
        f"add_{verb}": ((1,), ("handler",), "aiohttp route handler")
        for verb in ("get", "post", "put", "patch", "delete", "head")
    },
    "add_route": ((0, 1, 2), ("handler", "route", "endpoint"), "route handler"),
    "add_websocket_route": ((0, 1), ("handler", "route", "endpoint"), "WebSocket route handler"),
    # Pyramid `config.add_view(view, ...)`, aiohttp `add_view(path, handler)`
    "add_view": ((0, 1), ("view", "handler"), "view callable"),
    # message consumers: pika >= 1.0 `(queue, on_message_callback)`, pika 0.x
    # `(consumer_callback, queue)`, aio-pika `queue.consume(callback)`, kombu
    "basic_consume": ((0, 1), ("on_message_callback", "consumer_callback"), "message consumer callback"),
    "consume": ((0,), ("callback",), "message consumer callback"),
    "register_callback": ((0,), ("callback",), "message consumer callback"),
}
# Registration functions that need resolution (their last names are too common).
RESOLVED_REGISTRATIONS: dict[str, tuple[tuple[int, ...], tuple[str, ...], str]] = {
    **{
        f"aiohttp.web.{verb}": ((1,), ("handler",), "aiohttp route handler")
        for verb in ("get", "post", "put", "patch", "delete", "head", "view")
    },
    "aiohttp.web.route": ((2,), ("handler",), "aiohttp route handler"),
    "django.urls.path": ((1,), ("view",), "Django view"),
    "django.urls.re_path": ((1,), ("view",), "Django view"),
    "django.conf.urls.url": ((1,), ("view",), "Django view"),
    "kombu.Consumer": ((), ("callbacks", "on_message"), "message consumer callback"),
    "kombu.messaging.Consumer": ((), ("callbacks", "on_message"), "message consumer callback"),
    "google.cloud.pubsub_v1.SubscriberClient().subscribe": ((1,), ("callback",), "Pub/Sub subscriber callback"),
    "google.cloud.pubsub.SubscriberClient().subscribe": ((1,), ("callback",), "Pub/Sub subscriber callback"),
}

LAMBDA_HANDLER_NAMES = frozenset({"lambda_handler"})
# An ASGI application (or middleware) is called once per connection or request:
# `async def app(scope, receive, send)`, `async def __call__(self, scope, receive, send)`,
# and ASGI 2's instance per connection, `async def __call__(self, receive, send)`.
ASGI_PARAMETERS = ("scope", "receive", "send")

# Context managers / decorators that make a span current for their body.
SPAN_CONTEXT_MANAGERS = frozenset({"start_as_current_span", "use_span"})

# Other tracers' context managers that make a span current for their body (resolved
# paths, call parentheses stripped): ddtrace's `tracer.trace(...)`.
VENDOR_SPAN_CONTEXT_MANAGERS = frozenset({"ddtrace.tracer.trace", "ddtrace.Tracer().trace", "ddtrace.trace.tracer.trace"})


# ---------------------------------------------------------------------- start-up code

# Functions that run at start-up or set up a long-lived object: work handed over there
# serves the whole process, not a caller with a context (SPEC §3 "Hop scope").
STARTUP_FUNCTIONS = frozenset(
    {
        "main", "__main__", "lifespan", "startup", "on_startup", "setup", "setUp", "setup_app", "init_app",
        "create_app", "ready", "__init__", "__post_init__", "__enter__", "__aenter__", "start", "_start",
        "serve", "serve_forever", "run_forever", "start_server", "bootstrap", "configure",
    }
)
STARTUP_PREFIXES = ("setup_", "init_")
# `@app.on_event("startup")`, `@app.before_first_request`, `@signal.connect`: start-up hooks.
STARTUP_DECORATOR_METHODS = frozenset({"on_event", "before_first_request", "before_serving", "on_startup", "connect"})
# Of those, the programs' own roots: what they call (to any depth) is start-up code too.
PROGRAM_ROOTS = frozenset({"main", "lifespan", "startup", "on_startup", "create_app", "setup_app", "init_app", "bootstrap"})
# A command-line program's commands, in a module importing one of these libraries
# (`@app.command()` of a `typer.Typer()`, `@click.command()`, `@cli.group()`): an
# invocation of the program runs one, once, as its `main()`.
CLI_LIBRARIES = frozenset({"typer", "click"})
CLI_COMMAND_DECORATOR_METHODS = frozenset({"command", "group", "callback"})
# A `cmd.Cmd` shell's command loop runs its commands for the user at the terminal, one
# at a time: each is a program's root, like a command-line command.
SHELL_BASES = frozenset({"cmd.Cmd"})
SHELL_COMMAND_METHODS = frozenset({"default", "emptyline", "onecmd", "precmd", "postcmd", "preloop", "postloop"})


def is_shell_command(method: str) -> bool:
    return method.startswith("do_") or method in SHELL_COMMAND_METHODS


# What the process calls for itself, at exit or on a signal, with no caller of ours:
# registration -> the position of the callback (`atexit.register(f)`, `@atexit.register`,
# `signal.signal(SIGTERM, f)`).
PROCESS_CALLBACK_REGISTRATIONS = {"atexit.register": 0, "signal.signal": 1}
PROGRAM_ROOT_WORDS = (
    b"def main", b"lifespan", b"startup", b"create_app", b"def setup_", b"init_app", b"bootstrap", b"__main__",
    b".command(", b".group(", b".callback(",
)
PROGRAM_ROOT_LINE = re.compile(
    rb"^[ \t]*(?:async[ \t]+)?def[ \t]+(?:main|lifespan|startup|on_startup|create_app|setup_\w+|init_app|bootstrap)[ \t]*\("
    rb"|^if[ \t]+__name__[ \t]*=="
    rb"|^[ \t]*@[\w.]+\.(?:command|group|callback)\(",
    re.MULTILINE,
)

# Callbacks a library runs on its own thread or event loop, for its own events, where the
# project has set no context (SPEC §3 "Hop scope"): the module a file must import ->
# (the callback names, what they are). Work they hand over is judged like start-up code,
# unless the callback itself sets context first.
MITMPROXY_HOOKS = frozenset(
    {
        "load", "running", "configure", "done", "client_connected", "client_disconnected",
        "server_connect", "server_connected", "server_disconnected", "server_error",
        "requestheaders", "request", "responseheaders", "response", "error", "http_connect",
        "http_connect_upstream", "http_connect_error", "tcp_start", "tcp_message", "tcp_end",
        "tcp_error", "udp_start", "udp_message", "udp_end", "udp_error", "websocket_start",
        "websocket_message", "websocket_end", "dns_request", "dns_response", "dns_error",
        "tls_clienthello", "tls_start_client", "tls_start_server", "tls_established_client",
        "tls_established_server", "tls_failed_client", "tls_failed_server",
    }
)
FOREIGN_CALLBACKS: dict[str, tuple[frozenset, str]] = {
    # `REGISTRY.register(collector)`: `collect()` runs on the thread serving the scrape
    "prometheus_client": (frozenset({"collect", "describe"}), "Prometheus collector method"),
    # an addon's event hooks run on mitmproxy's event loop, for the proxied traffic
    "mitmproxy": (MITMPROXY_HOOKS, "mitmproxy event hook"),
}


# `@pytest.fixture(autouse=True)`: runs before (and, past its `yield`, after) every test
# of its module, or of its directory for a `conftest.py`, in the test's own context.
PYTEST_FIXTURE = "pytest.fixture"
AUTOUSE = b"autouse"


def fixture_covers(fixture_path: str, test_path: str) -> bool:
    """Whether an autouse fixture defined in `fixture_path` runs around the tests of
    `test_path`."""
    directory, _, name = fixture_path.rpartition("/")
    if name != "conftest.py":
        return fixture_path == test_path
    return not directory or test_path.startswith(directory + "/")


def is_test_path(where: str) -> bool:
    """SPEC §3 "Tests": under `tests/`, `test_*.py`, `*_test.py`, `conftest.py` (a
    `path:line` is accepted)."""
    path = where.rsplit(":", 1)[0] if where.rsplit(":", 1)[-1].isdigit() else where
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        "tests" in parts[:-1]
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )
