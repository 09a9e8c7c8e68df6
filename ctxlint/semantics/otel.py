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
