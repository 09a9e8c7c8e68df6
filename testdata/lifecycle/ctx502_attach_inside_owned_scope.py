# CTX502 false-positive pattern (opentelemetry-instrumentation-flask's sqlcommenter
# context, see benchmarks/PRECISION.md): a hook makes the request's context
# current, stores its token or `use_span` activation for the teardown hook, then attaches
# one more value. Detaching (or exiting) the stored scope in teardown resets the context to
# what it was before the request, so the inner attach goes with it.
from opentelemetry import context, propagate, trace


def before_request(environ, tracer):
    token = context.attach(propagate.extract(environ))
    environ["otel.token"] = token
    context.attach(context.set_value("sqlcommenter", {"framework": "flask"}))


def before_request_with_activation(environ, tracer):
    span = tracer.start_span("request")
    activation = trace.use_span(span, end_on_exit=True)
    activation.__enter__()
    environ["otel.activation"] = activation
    context.attach(context.set_value("sqlcommenter", {"route": environ["PATH_INFO"]}))


def teardown_request(environ):
    environ["otel.activation"].__exit__(None, None, None)
    context.detach(environ.pop("otel.token"))


# --- still reported -----------------------------------------------------------------------


def attach_after_the_scope_closed(environ):
    token = context.attach(propagate.extract(environ))
    environ["otel.token"] = token
    context.detach(token)
    context.attach(context.set_value("late", True))  # error: CTX502


def attach_before_the_scope(environ):
    context.attach(context.set_value("early", True))  # error: CTX502
    token = context.attach(propagate.extract(environ))
    environ["otel.token"] = token


def scope_never_handed_off(environ):
    token = context.attach(propagate.extract(environ))  # error: CTX502
    context.attach(context.set_value("inner", True))  # error: CTX502
