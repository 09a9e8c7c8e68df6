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
SPAN_RELEASE_METHODS = ("end", "__exit__")
SPAN_MANUAL_ENTER = "__enter__"

# Libraries whose tracers also have a `start_span` but end spans differently
# (`span.finish()`, `tracer.end_span()`): a receiver from one of them is not an OTel tracer.
OTHER_TRACING_LIBRARIES = frozenset({"ddtrace", "opentracing", "sentry_sdk", "jaeger_client", "opencensus"})
OPENTELEMETRY = "opentelemetry"

DETACH = "opentelemetry.context.detach"
# `saved = get_current()` ... `attach(saved)`: re-attaching the saved context restores the
# value (logfire's `attach_context`); the discarded tokens leave nothing behind.
GET_CURRENT = "opentelemetry.context.get_current"

CONTEXT_VAR = "contextvars.ContextVar"

# Frameworks that run a sync handler in a copy of the request's context (starlette's
# `run_in_threadpool`, hence FastAPI `def` endpoints; runtime-semantics.md §A.4): a
# `set()` there changes the copy, not the pooled thread's own context.
CONTEXT_COPYING_FRAMEWORKS = frozenset({"fastapi", "starlette"})
CONTEXT_VAR_SET = "set"
CONTEXT_VAR_RESET = "reset"
CONTEXT_VAR_GET = "get"

# `except` types that catch the LookupError of `ContextVar.get()` with no default.
LOOKUP_ERROR_CATCHERS = frozenset({"LookupError", "Exception", "BaseException"})
# `except` types after which only a BaseException (KeyboardInterrupt, SystemExit) escapes.
BROAD_CATCHERS = frozenset({"Exception", "BaseException"})
SUPPRESS = "contextlib.suppress"

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
