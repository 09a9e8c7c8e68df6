"""Spans, context tokens and ContextVars: what starts them and what releases them.

Facts from runtime-semantics.md §A.5 (ContextVar, Token), §B.3 (attach/detach) and §B.4
(span lifecycle), checked against opentelemetry-api/sdk 1.45 by tests/test_lifecycle.py:
`tracer.start_span` returns a span nobody ends but the caller, and an un-ended span is
never exported; `use_span(span)` defaults to `end_on_exit=False`;
`start_as_current_span(..., end_on_exit=False)` leaves `end()` to the caller; the
decorator form on a generator function ends the span before the body runs; a token
attached in one Context cannot be detached from another ("Failed to detach context").
"""

# Tracer methods (any receiver that is an OpenTelemetry tracer).
START_SPAN = "start_span"
START_AS_CURRENT_SPAN = "start_as_current_span"
USE_SPAN = "opentelemetry.trace.use_span"

# `end_on_exit` as (keyword, position) of the span context managers.
END_ON_EXIT: dict[str, tuple[str, int]] = {
    START_AS_CURRENT_SPAN: ("end_on_exit", 8),
    USE_SPAN: ("end_on_exit", 1),
}

# Methods that end a span (`with span:` calls `__exit__`, which ends it). `__enter__` on a
# fresh span hands it to hand-written context-manager plumbing.
SPAN_RELEASE_METHODS = ("end", "__exit__", "finish")
SPAN_MANUAL_ENTER = "__enter__"

# Libraries whose tracers also have a `start_span` but end spans differently
# (`span.finish()`, `tracer.end_span()`): a receiver from one of them is not an OTel tracer.
OTHER_TRACING_LIBRARIES = frozenset({"ddtrace", "opentracing", "sentry_sdk", "jaeger_client", "opencensus"})
OPENTELEMETRY = "opentelemetry"

# Sentry's spans: `sentry_sdk.start_span(...)` / `start_transaction(...)` outside `with`
# return a span the caller must `finish()`; an unfinished span is never sent.
SENTRY_SPAN_STARTS = frozenset(
    {
        "sentry_sdk.start_span",
        "sentry_sdk.start_transaction",
        "sentry_sdk.api.start_span",
        "sentry_sdk.api.start_transaction",
    }
)
# Where a span handed to an object is ended only on some exits (CTX501): an end inside one
# of these handlers runs only when the stream is exhausted (openlit#1454).
EXHAUSTION_ERRORS = frozenset({"StopIteration", "StopAsyncIteration"})
# Methods that finalise an object whatever happened: an end there is unconditional.
FINALISERS = frozenset({"close", "aclose", "__exit__", "__aexit__", "__del__", "end", "finish", "shutdown"})
# Calls that cannot plausibly raise between a span's hand-off and its end.
HARMLESS_CALLS = frozenset(
    {"getattr", "hasattr", "isinstance", "int", "str", "float", "len", "bool", "repr", "id", "type", "time", "time_ns"}
)

DETACH = "opentelemetry.context.detach"
# `saved = get_current()` ... `attach(saved)`: re-attaching the saved context restores the
# value (logfire's `attach_context`); the discarded tokens leave nothing behind.
GET_CURRENT = "opentelemetry.context.get_current"

CONTEXT_VAR = "contextvars.ContextVar"
# A function under one of these runs once per distinct argument: a ContextVar made there is
# one per name, like a module-level one (CTX504).
CACHING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})

# Frameworks that run a sync handler in a copy of the request's context (starlette's
# `run_in_threadpool`, hence FastAPI `def` endpoints; runtime-semantics.md §A.4): a
# `set()` there changes the copy, not the pooled thread's own context.
CONTEXT_COPYING_FRAMEWORKS = frozenset({"fastapi", "starlette"})
CONTEXT_VAR_SET = "set"
CONTEXT_VAR_RESET = "reset"
CONTEXT_VAR_GET = "get"

# CTX507: defaults that are one mutable object shared by every context that never set the
# variable (flake8-bugbear's B039 flags them all; CTX507 needs an in-place change too).
MUTABLE_CONSTRUCTORS = frozenset(
    {
        "list", "dict", "set", "bytearray",
        "collections.deque", "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
        "collections.ChainMap",
    }
)
MUTATING_METHODS = frozenset(
    {
        "append", "extend", "insert", "pop", "remove", "clear", "add", "discard", "update",
        "setdefault", "popitem", "appendleft", "extendleft", "popleft", "sort", "reverse",
        "difference_update", "intersection_update", "symmetric_difference_update",
    }
)

# Django `MiddlewareMixin` hooks. Under ASGI, Django runs each sync hook in its own
# `sync_to_async` call, in its own copy of the context, so a token made in a request hook
# cannot be reset or detached in a response hook ("was created in a different Context"),
# and a cancelled request never runs the response hook (django-rls-tenants#58,
# opentelemetry-python-contrib#4102).
DJANGO_REQUEST_HOOKS = frozenset({"process_request", "process_view"})
DJANGO_RESPONSE_HOOKS = frozenset({"process_response", "process_exception", "process_template_response"})
# Methods that run in the same context as their partner: `with` calls both in one frame.
PAIRED_METHODS = frozenset({"__enter__", "__exit__", "__aenter__", "__aexit__"})
ENTER_METHODS = frozenset({"__enter__", "__aenter__"})
EXIT_METHODS = frozenset({"__exit__", "__aexit__"})
# A middleware object is created once and shared by every request: `__call__` with an
# ASGI `(scope, receive, send)` or WSGI `(environ, start_response)` signature, Django's
# `__call__(self, request)` with `__init__(self, get_response)`, Starlette's `dispatch`.
ASGI_CALL_PARAMETERS = ("scope", "receive", "send")
WSGI_CALL_PARAMETERS = ("environ", "start_response")
# Iterating one of these gives ContextVars: `for var, value in copy_context().items()`.
CONTEXTS = frozenset({"contextvars.copy_context()", "contextvars.Context()"})

# `except` types that catch the LookupError of `ContextVar.get()` with no default.
LOOKUP_ERROR_CATCHERS = frozenset({"LookupError", "Exception", "BaseException"})
# `except` types after which only a BaseException (KeyboardInterrupt, SystemExit) escapes.
BROAD_CATCHERS = frozenset({"Exception", "BaseException"})
SUPPRESS = "contextlib.suppress"

# Sentry's context managers that make a scope or span current through a ContextVar and
# restore it on exit (sentry-sdk 2.x): held across `yield` they leak into the consumer and
# fail to reset from another context (getsentry/sentry-python#4925). Resolved paths -> what
# they make current.
SENTRY_CURRENT_MANAGERS: dict[str, str] = {
    "sentry_sdk.new_scope()": "scope",
    "sentry_sdk.isolation_scope()": "scope",
    "sentry_sdk.scope.new_scope()": "scope",
    "sentry_sdk.scope.isolation_scope()": "scope",
    "sentry_sdk.api.new_scope()": "scope",
    "sentry_sdk.api.isolation_scope()": "scope",
    "sentry_sdk.start_span()": "span",
    "sentry_sdk.start_transaction()": "span",
    "sentry_sdk.api.start_span()": "span",
    "sentry_sdk.api.start_transaction()": "span",
}

# Generator functions whose `yield` is the body of the caller's `with` block: holding a
# span across that `yield` is how `use_span` itself is written (SPEC CTX506). Matched by
# resolved path, or by a decorator name ending in "contextmanager" (OpenTelemetry's own
# `_agnosticcontextmanager`, project variants).
CONTEXT_MANAGER_DECORATORS = frozenset(
    {
        "contextlib.contextmanager",
        "contextlib.asynccontextmanager",
        "pytest.fixture",
        "pytest_asyncio.fixture",
    }
)
CONTEXT_MANAGER_DECORATOR_SUFFIX = "contextmanager"
