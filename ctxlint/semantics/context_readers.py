"""What reads the request context: the APIs that make work *need* the caller's context
(SPEC §3 "Context need"), by resolved dotted name, with the part of the context each reads.

The part decides what can carry it into a thread (runtime-semantics.md §A.4, §B.6):
- `CONTEXTVARS`: a `contextvars.ContextVar` (the project's, a library's); only a copied
  context carries it.
- `FLASK`: Flask's application and request context (its locals live in a ContextVar since
  Flask 2.3); a copied context or `copy_current_request_context` carries it, and work that
  pushes a context of its own (`with app.app_context():`) needs none of the caller's.
- `OTEL`: the OpenTelemetry current context (its own ContextVar); `ThreadingInstrumentor`
  carries it into `Thread`, `Timer` and `ThreadPoolExecutor.submit`/`map`.
- `SENTRY`: Sentry's scopes; sentry-sdk 2.x's default `ThreadingIntegration` forks them
  into `Thread.start` and `ThreadPoolExecutor.submit` (`map` calls `submit`).
- `LIBRARY`: a tracing library's own context stack (langfuse, langsmith, ddtrace), kept in
  ContextVars neither integration carries.

Anything not listed here is free: third-party calls, methods of objects of unknown type.
A contributor extends these tables; a user reads them to know why work was judged.
"""

from __future__ import annotations

import re
from typing import Optional, Union

CONTEXTVARS = "contextvars"
FLASK = "flask"
OTEL = "opentelemetry"
SENTRY = "sentry"
LIBRARY = "library"
# The order a finding looks for the part it names: first the ones no integration carries.
PARTS = (CONTEXTVARS, FLASK, LIBRARY, OTEL, SENTRY)

CONTEXT_VAR_CLASS = "contextvars.ContextVar"

# Calls that read the current context: path -> (part, what it reads, for messages).
READING_CALLS: dict[str, tuple[str, str]] = {
    "opentelemetry.trace.get_current_span": (OTEL, "the current span"),
    "opentelemetry.context.get_current": (OTEL, "the current OpenTelemetry context"),
    "opentelemetry.context.get_value": (OTEL, "the current OpenTelemetry context"),
    "opentelemetry.baggage.get_baggage": (OTEL, "the current baggage"),
    "opentelemetry.baggage.get_all": (OTEL, "the current baggage"),
    "opentelemetry.propagate.inject": (OTEL, "the current trace context (to inject it)"),
    "structlog.contextvars.get_contextvars": (CONTEXTVARS, "structlog's context variables"),
    "structlog.contextvars.get_merged_contextvars": (CONTEXTVARS, "structlog's context variables"),
    "langsmith.get_current_run_tree": (LIBRARY, "langsmith's current run"),
    "langsmith.run_helpers.get_current_run_tree": (LIBRARY, "langsmith's current run"),
    "langfuse.get_client().update_current_span": (LIBRARY, "langfuse's current observation"),
    "langfuse.get_client().update_current_generation": (LIBRARY, "langfuse's current observation"),
    "langfuse.get_client().update_current_trace": (LIBRARY, "langfuse's current trace"),
    "langfuse.get_client().start_as_current_span": (OTEL, "the current span (langfuse)"),
    "langfuse.get_client().start_as_current_generation": (OTEL, "the current span (langfuse)"),
    "langfuse.decorators.langfuse_context.update_current_observation": (LIBRARY, "langfuse's current observation"),
    "langfuse.decorators.langfuse_context.update_current_trace": (LIBRARY, "langfuse's current trace"),
    "ddtrace.tracer.trace": (LIBRARY, "ddtrace's current span"),
    "ddtrace.tracer.current_span": (LIBRARY, "ddtrace's current span"),
    "prefect.get_run_logger": (LIBRARY, "Prefect's run context"),
    "prefect.logging.get_run_logger": (LIBRARY, "Prefect's run context"),
    "prefect.context.get_run_context": (LIBRARY, "Prefect's run context"),
}
# Module prefixes whose every call reads the context, except the listed set-up calls.
READING_MODULES: dict[str, tuple[str, str, frozenset[str]]] = {
    "sentry_sdk.": (
        SENTRY,
        "Sentry's scope",
        frozenset(
            {
                "init", "flush", "is_initialized", "get_client", "integrations", "utils", "serializer",
                "use_scope", "use_isolation_scope", "continue_trace",
            }
        ),
    ),
    "logfire.": (
        OTEL,
        "the current span (logfire)",
        frozenset({"configure", "instrument_requests", "instrument_httpx", "instrument_fastapi", "force_flush"}),
    ),
}
# Span starters, matched by method name on any receiver (a tracer): without an explicit
# parent (`context=`, or the second positional argument) they read the current span.
SPAN_STARTERS = frozenset({"start_as_current_span", "start_span"})
# Flask's context locals (ContextVars in werkzeug >= 2): reading one outside the request's
# context raises "Working outside of request context".
FLASK_LOCALS: dict[str, str] = {
    "flask.request": "Flask's `request`",
    "flask.g": "Flask's `g`",
    "flask.session": "Flask's `session`",
    "flask.current_app": "Flask's `current_app`",
    "flask.flash": "Flask's `flash` (the request's session)",
    "flask.url_for": "Flask's `url_for` (the request's app context)",
    "flask.render_template": "Flask's `render_template` (the app context)",
    "flask.render_template_string": "Flask's `render_template_string` (the app context)",
    "flask.get_flashed_messages": "Flask's `get_flashed_messages`",
    "flask.copy_current_request_context": "Flask's request context",
    "flask_babel.gettext": "flask-babel's locale (the request context)",
    "flask_babel.lazy_gettext": "flask-babel's locale (the request context)",
    "flask_babel._": "flask-babel's locale (the request context)",
}
FLASK_MODULES = ("flask", "flask_babel")  # the modules whose locals FLASK_LOCALS lists
# Methods of a Flask application that push its context for the block they open
# (`with app.app_context():`): the code inside has Flask's context of its own.
FLASK_CONTEXT_PUSHERS = frozenset({"app_context", "request_context", "test_request_context"})

# Clients of libraries whose OpenTelemetry instrumentation opens a span per call, under
# the current one: constructor path -> instrumentation entry-point name. Any method chain
# on an instance counts (`OpenAI().chat.completions.create`).
INSTRUMENTED_CLIENTS: dict[str, str] = {
    "openai.OpenAI": "openai",
    "openai.AsyncOpenAI": "openai",
    "openai.AzureOpenAI": "openai",
    "anthropic.Anthropic": "anthropic",
    "anthropic.AsyncAnthropic": "anthropic",
    "boto3.client": "botocore",
    "boto3.resource": "botocore",
    "boto3.session.Session().client": "botocore",
    "boto3.Session().client": "botocore",
    "redis.Redis": "redis",
    "redis.StrictRedis": "redis",
    "pymongo.MongoClient": "pymongo",
    "elasticsearch.Elasticsearch": "elasticsearch",
    "grpc.insecure_channel": "grpc_client",
    "grpc.secure_channel": "grpc_client",
}

# Calls that run the callable or coroutine they are given, there and then.
RUNNERS = frozenset(
    {
        "asyncio.run", "asyncio.get_event_loop().run_until_complete",
        "asyncio.new_event_loop().run_until_complete", "asyncio.run_coroutine_threadsafe",
        "anyio.run", "trio.run",
    }
)
# Calls that set a part of the context in the current thread: work that makes them has
# been handed that part explicitly (a carrier) rather than needing the caller's.
WRITERS: dict[str, str] = {
    "opentelemetry.context.attach": OTEL,
    "opentelemetry.trace.use_span": OTEL,
    "sentry_sdk.scope.use_isolation_scope": SENTRY,
    "sentry_sdk.scope.use_scope": SENTRY,
    "sentry_sdk.use_isolation_scope": SENTRY,
    "sentry_sdk.use_scope": SENTRY,
    "sentry_sdk.continue_trace": SENTRY,
    "structlog.contextvars.bind_contextvars": CONTEXTVARS,
}

# Calls that put a value into the context of the code that follows (a hop after one of
# these, even in start-up code or a test, hands over context that matters).
SETTERS = frozenset(
    {
        "sentry_sdk.set_tag", "sentry_sdk.set_tags", "sentry_sdk.set_context", "sentry_sdk.set_user",
        "sentry_sdk.set_extra", "structlog.contextvars.bind_contextvars", "opentelemetry.baggage.set_baggage",
    }
)

# Decorators that trace the function: calling it starts a span under the current one.
TRACING_DECORATORS: dict[str, tuple[str, str]] = {
    "sentry_sdk.trace": (SENTRY, "`@sentry_sdk.trace`"),
    "sentry_sdk.tracing.trace": (SENTRY, "`@sentry_sdk.trace`"),
    "langfuse.observe": (LIBRARY, "langfuse `@observe`"),
    "langfuse.decorators.observe": (LIBRARY, "langfuse `@observe`"),
    "langsmith.traceable": (LIBRARY, "langsmith `@traceable`"),
    "langsmith.run_helpers.traceable": (LIBRARY, "langsmith `@traceable`"),
    "logfire.instrument": (OTEL, "`@logfire.instrument`"),
    "ddtrace.tracer.wrap": (LIBRARY, "ddtrace `@tracer.wrap`"),
    "opentelemetry.util._decorator": (OTEL, "an OpenTelemetry decorator"),
}
# `@<tracer>.start_as_current_span(...)`, by method name (the tracer is any object).
TRACING_DECORATOR_METHODS = frozenset({"start_as_current_span"})

# Logging: calls that emit a record, and where context-aware logging is configured.
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"})
# Callbacks built from a logger they are given, that log through it later (tenacity's
# retry hooks log each retry): building one counts as logging through that logger.
LOGGING_CALLBACK_FACTORIES = frozenset(
    {
        "tenacity.before_sleep_log", "tenacity.after_log", "tenacity.before_log",
        "tenacity.before_sleep.before_sleep_log", "tenacity.after.after_log", "tenacity.before.before_log",
    }
)
LOGGER_FACTORIES = frozenset(
    {"logging.getLogger", "logging.LoggerAdapter", "structlog.get_logger", "structlog.getLogger", "structlog.wrap_logger"}
)
# A structlog processor chain that merges context variables into every event.
STRUCTLOG_MERGE = frozenset({"structlog.contextvars.merge_contextvars", "structlog.threadlocal.merge_threadlocal"})
# Classes whose methods run for every record: one that reads a ContextVar makes logging
# context-aware. base -> the method that runs per record.
LOGGING_HOOK_BASES: dict[str, str] = {
    "logging.Filter": "filter",
    "logging.Formatter": "format",
    "logging.LoggerAdapter": "process",
    "logging.Handler": "emit",
    "logging.StreamHandler": "emit",
}
# A client's transport runs for every request the client sends: work that makes a client
# with a project transport whose hook reads the context sends its requests through that
# hook. base -> the method that runs per request.
TRANSPORT_HOOK_BASES: dict[str, str] = {
    "httpx.BaseTransport": "handle_request",
    "httpx.HTTPTransport": "handle_request",
    "httpx.AsyncBaseTransport": "handle_async_request",
    "httpx.AsyncHTTPTransport": "handle_async_request",
    "requests.adapters.BaseAdapter": "send",
    "requests.adapters.HTTPAdapter": "send",
}
LOG_RECORD_FACTORY = "logging.setLogRecordFactory"
# loguru's callables that run for every message, in the thread that logs it (`enqueue=True`
# too: only the sink waits for the queue; verified with loguru 0.7.3): one that reads a
# ContextVar makes logging context-aware. The call -> {argument (keyword or position): what
# the callable handed there is}.
LOGURU_HOOKS: dict[str, dict[Union[str, int], str]] = {
    "loguru.logger.add": {"filter": "filter", "format": "format"},
    "loguru.logger.configure": {"patcher": "patcher"},
    "loguru.logger.patch": {0: "patcher"},
}
# What a file must contain to set up context-aware logging: structlog's merge, a record
# factory, a class deriving from a logging Filter, Formatter, LoggerAdapter or Handler, or
# loguru and one of its hooks.
LOGGING_SETUP_CALLS = (b"merge_contextvars", b"merge_threadlocal", b"setLogRecordFactory")
LOGURU_SETUP_WORDS = (b"filter", b"format", b"patch")
LOGGING_SETUP_WORDS = (b"Filter", b"Formatter", b"Adapter", b"Handler")
LOGGING_SETUP_CLASS = re.compile(
    rb"^[ \t]*class[ \t]+\w+[ \t]*\([^)]*(?:Filter|Formatter|LoggerAdapter|Handler)\b", re.MULTILINE
)
LOGGING_INSTRUMENTATION = "logging"  # the OpenTelemetry entry-point name: log correlation

# Sentry's default integrations include ThreadingIntegration; `default_integrations=False`
# turns them off.
SENTRY_INIT = "sentry_sdk.init"
SENTRY_NO_DEFAULTS = "default_integrations"
# What each integration carries, by the hop that runs the work.
SENTRY_CARRIES = frozenset({"Thread", "Timer", "Thread subclass", "submit", "map", "run_in_executor"})
THREADING_INSTRUMENTOR_CARRIES = frozenset({"Thread", "Timer", "submit", "map", "run_in_executor"})

# Context accessors: a value read from one just before the hop and handed to the worker
# is the context handed over explicitly (the worker attaches or sets it itself).
CONTEXT_ACCESSORS = frozenset(
    {
        "opentelemetry.context.get_current",
        "opentelemetry.trace.get_current_span",
        "opentelemetry.trace.get_current_span().get_span_context",
        "contextvars.copy_context",
        "sentry_sdk.get_current_scope",
        "sentry_sdk.get_isolation_scope",
        "sentry_sdk.Scope.get_current_scope",
        "sentry_sdk.Scope.get_isolation_scope",
        "sentry_sdk.get_traceparent",
        "sentry_sdk.get_baggage",
        "structlog.contextvars.get_contextvars",
        "flask.copy_current_request_context",
    }
)


def reading_call(path: str) -> Optional[tuple[str, str]]:
    """(part, what) when calling `path` reads the current context."""
    found = READING_CALLS.get(path)
    if found is not None:
        return found
    for prefix, (part, what, exempt) in READING_MODULES.items():
        if path.startswith(prefix):
            head = path[len(prefix):].split(".", 1)[0].rstrip("()")
            if head and head not in exempt:
                return part, what
    if path in FLASK_LOCALS or path.rsplit(".", 1)[0] in FLASK_LOCALS:
        local = path if path in FLASK_LOCALS else path.rsplit(".", 1)[0]
        return FLASK, FLASK_LOCALS[local]
    return None


def tracing_decorator(path: str, method: Optional[str]) -> Optional[tuple[str, str]]:
    """(part, what) when a decorator (resolved `path`, called method name) traces."""
    found = TRACING_DECORATORS.get(path.rstrip("()").removesuffix("()"))
    if found is not None:
        return found
    if method in TRACING_DECORATOR_METHODS:
        return OTEL, f"`@{method}`"
    return None

# Registrations of a callback that a library runs inside calls on the object it is
# registered on: SQLAlchemy's `@event.listens_for(engine, "checkout")` runs in every
# `engine.connect()`. The resolved registration -> whether it is a decorator (else a call
# `listen(target, identifier, fn)`).
LISTENER_REGISTRATIONS: dict[str, bool] = {
    "sqlalchemy.event.listens_for": True,
    "sqlalchemy.event.api.listens_for": True,
    "sqlalchemy.event.listen": False,
    "sqlalchemy.event.api.listen": False,
}
