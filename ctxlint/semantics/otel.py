"""OpenTelemetry (and `contextvars`) context APIs, by resolved dotted name.

Facts from runtime-semantics.md §B.1-§B.2 and §A.5, checked against opentelemetry-api
1.45: `Context()` is empty; `propagate.extract(carrier)` starts from an empty `Context()`
when no `context=` is given, so it is empty when the carrier holds no `traceparent`;
`set_value`, `set_span_in_context`, `set_baggage`, `remove_baggage` and `clear` only
*return* a new Context, built on their `context` argument or else on the current one.
`tests/test_traces.py` checks every name and parameter position here against the
installed package.
"""

# The contextvars names live with the concurrency tables; re-exported for the CTX1xx rules.
from ctxlint.semantics.concurrency import COPY_CONTEXT
from ctxlint.semantics.concurrency import EMPTY_CONTEXT as CONTEXTVARS_CONTEXT  # noqa: F401

OTEL_CONTEXT = "opentelemetry.context.Context"
ATTACH = "opentelemetry.context.attach"

# Functions returning a new Context derived from their `context` argument (or the current
# context when it is None): name -> (keyword, position) of that argument.
CONTEXT_DERIVERS: dict[str, tuple[str, int]] = {
    "opentelemetry.context.set_value": ("context", 2),
    "opentelemetry.trace.set_span_in_context": ("context", 1),
    "opentelemetry.trace.propagation.set_span_in_context": ("context", 1),
    "opentelemetry.baggage.set_baggage": ("context", 2),
    "opentelemetry.baggage.remove_baggage": ("context", 1),
    "opentelemetry.baggage.clear": ("context", 0),
}
# Of those, the ones that put a span into the context: the result still parents spans
# correctly, only the rest of the base context (baggage, suppression keys) is missing.
SPAN_SETTERS = frozenset(
    {"opentelemetry.trace.set_span_in_context", "opentelemetry.trace.propagation.set_span_in_context"}
)

# Extractors: (carrier position, context keyword, context position). Without a context
# argument they build on an empty `Context()`, whatever is current.
EXTRACTORS: dict[str, tuple[int, str, int]] = {
    "opentelemetry.propagate.extract": (0, "context", 1),
    "opentelemetry.propagate.get_global_textmap().extract": (0, "context", 1),
    "opentelemetry.trace.propagation.tracecontext.TraceContextTextMapPropagator().extract": (0, "context", 1),
}

INJECTORS = frozenset(
    {"opentelemetry.propagate.inject", "opentelemetry.propagate.get_global_textmap().inject"}
)

# CTX102: calls whose only effect is their returned Context.
RESULT_ONLY = frozenset({*CONTEXT_DERIVERS, *EXTRACTORS, COPY_CONTEXT})

# Tracer methods: the parent context is `context=` or the second positional argument
# (after `name`); `links=` marks a deliberate new trace linked to the current one.
SPAN_STARTERS: dict[str, tuple[str, int]] = {
    "start_span": ("context", 1),
    "start_as_current_span": ("context", 1),
}

# Calls that run work in a `contextvars.Context` given as `context=` (asyncio tasks and
# callbacks, `asyncio.Runner.run`, 3.14 threads); matched by method name: the argument is
# what gets resolved.
CONTEXTVARS_CONTEXT_TAKERS = frozenset(
    {
        "create_task", "call_soon", "call_soon_threadsafe", "call_later", "call_at",
        "add_done_callback", "Task", "Thread", "run",
    }
)

# ------------------------------------------------------------------ CTX104-CTX107

# Extractors of other tracers (by resolved path): the carrier's position. Each returns a
# parent for a span start or an activation, and none falls back to the current context.
VENDOR_EXTRACTORS: dict[str, int] = {
    "elasticapm.utils.disttracing.TraceParent.from_headers": 0,
    "elasticapm.traces.TraceParent.from_headers": 0,
    "ddtrace.propagation.http.HTTPPropagator.extract": 0,
}
# Of all the extractors, the ones that look the header up as a key of a mapping, lower-case
# (OpenTelemetry's `DefaultGetter`: `carrier.get("traceparent")`; elastic's
# `TraceParent.from_headers`). ddtrace's `HTTPPropagator.extract` also reads WSGI-style
# `HTTP_X_DATADOG_*` keys, so it is not among them.
MAPPING_LOOKUP_EXTRACTORS = frozenset(
    {*EXTRACTORS, "elasticapm.utils.disttracing.TraceParent.from_headers", "elasticapm.traces.TraceParent.from_headers"}
)
# OpenTracing-style `tracer.extract(Format.HTTP_HEADERS, carrier)` (instana, jaeger,
# ddtrace's opentracer): recognised by a `Format.*` first argument.
OPENTRACING_FORMAT = "Format"
# Keywords that give a span start (or a transaction) its parent, beyond OpenTelemetry's
# `context=`: OpenTracing/instana `span_context=`/`child_of=`, elastic APM
# `begin_transaction(trace_parent=)`, langfuse `trace_context=`.
PARENT_KEYWORDS = ("context", "span_context", "child_of", "trace_parent", "trace_context", "parent_context")
# Calls that make a context current: OpenTelemetry `context.attach(ctx)`, ddtrace's
# `tracer.context_provider.activate(ctx)` (matched by the receiver's last name).
VENDOR_ACTIVATORS: dict[str, str] = {"activate": "context_provider"}
# WSGI environs (and Django's `request.META`, built from one): header keys are
# `HTTP_TRACEPARENT`, never `traceparent`.
WSGI_ENVIRON_ATTRIBUTES = frozenset({"environ", "META"})
WSGI_ENVIRON_PARAMETERS = frozenset({"environ"})
WSGI_START_RESPONSE = "start_response"
# The ASGI scope's raw headers: `scope["headers"]` is a list of (bytes, bytes) pairs.
ASGI_SCOPE_PARAMETERS = frozenset({"scope"})
# The AWS Lambda event's headers keep the client's casing (API Gateway REST API, ALB).
LAMBDA_EVENT_PARAMETERS = frozenset({"event", "lambda_event"})
LAMBDA_CONTEXT_PARAMETERS = frozenset({"context", "lambda_context"})
# `extract(os.environ)`: environment variables are named `TRACEPARENT` (the environment
# carrier of opentelemetry-api 1.40+ reads them with its `EnvironmentGetter`).
PROCESS_ENVIRONMENT = "os.environ"
HEADERS_KEY = "headers"
# Span starters whose parent is taken from the current context when none is given: a
# `Tracer` subclass implementing `start_span` must fall back to the current span.
TRACER_BASES = frozenset({"opentelemetry.trace.Tracer", "opentelemetry.trace.ProxyTracer"})
# Calls that read the current context (or hand the decision to something that does).
CURRENT_CONTEXT_READERS = frozenset(
    {
        "get_current_span", "get_current", "get_value", "current_span", "get_active_span", "active_span",
        "active", "current_trace_context", "get_current_context",
    }
)
# Methods that start a span or observation on a tracer or SDK client (CTX106): the parent
# is one of PARENT_KEYWORDS, or OpenTelemetry's second positional argument.
ROOT_STARTERS = frozenset(
    {
        "start_span", "start_as_current_span", "start_observation", "start_as_current_observation",
        "start_generation", "start_as_current_generation", "start_active_span",
    }
)
