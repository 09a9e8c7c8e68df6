# CTX309: a span parented on an extracted context that is never attached, around work
# that may read or send on the caller's baggage.
from opentelemetry import baggage, context, propagate, trace
from opentelemetry.propagate import extract
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

tracer = trace.get_tracer(__name__)


def wrap_handler(handler):
    """An instrumentation wrapping its caller's handler (the AWS Lambda wrapper's shape)."""

    def wrapper(request):
        parent = extract(request.headers)
        with tracer.start_as_current_span("invoke", context=parent, kind=trace.SpanKind.SERVER):  # error: CTX309
            return handler(request)

    return wrapper


def on_task_prerun(task):
    """A signal handler leaving the span current for the task body (the Celery shape)."""
    parent = propagate.extract(task.request.headers or {}) or None
    span = tracer.start_span(task.name, context=parent, kind=trace.SpanKind.CONSUMER)  # error: CTX309
    activation = trace.use_span(span, end_on_exit=True)
    activation.__enter__()
    task.request.activation = activation


class TracingMiddleware:
    """An ASGI middleware: the application it wraps runs under the span."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        with tracer.start_as_current_span("request", context=propagate.extract(headers)):  # error: CTX309
            await self.app(scope, receive, send)


def handle_order(message):
    parent = extract(message.headers)
    with tracer.start_as_current_span("order", context=parent):  # error: CTX309
        tier = baggage.get_baggage("customer.tier")  # reads the baggage that was never made current
        return tier


# --- not reported ---------------------------------------------------------------------


def wrap_handler_attached(handler):
    def wrapper(request):
        token = context.attach(extract(request.headers))
        try:
            with tracer.start_as_current_span("invoke", kind=trace.SpanKind.SERVER):
                return handler(request)
        finally:
            context.detach(token)

    return wrapper


def wrap_handler_attached_after(handler):
    def wrapper(request):
        parent = extract(request.headers)
        token = context.attach(parent)  # the parent is current for the handler too
        try:
            with tracer.start_as_current_span("invoke", context=parent):
                return handler(request)
        finally:
            context.detach(token)

    return wrapper


def consume(records):
    for record in records:
        parent = extract(record.headers)
        with tracer.start_as_current_span("process", context=parent):
            print(record.value)  # nothing here reads or sends on the baggage


def wrap_trace_only(handler):
    def wrapper(event):
        parent = TraceContextTextMapPropagator().extract(event["headers"])  # carries only the parent
        with tracer.start_as_current_span("invoke", context=parent):
            return handler(event)

    return wrapper


def continue_locally(handler, headers):
    with tracer.start_as_current_span("local", context=context.get_current()):
        return handler(headers)
