# ctxlint: select = ["CTX1"]
# CTX107: an extracted remote context made current inside an active span.
from ddtrace import tracer as ddtracer
from ddtrace.propagation.http import HTTPPropagator
from opentelemetry import context, trace
from opentelemetry.propagate import extract

tracer = trace.get_tracer(__name__)


def handle(request, view):
    with tracer.start_as_current_span("request", kind=trace.SpanKind.SERVER):
        token = context.attach(extract(request.headers))  # error: CTX107
        try:
            return view(request)
        finally:
            context.detach(token)


def _activate_distributed(request):
    remote = HTTPPropagator.extract(request.META)
    if remote.trace_id:
        ddtracer.context_provider.activate(remote)


def traced_get_response(get_response, request):
    _activate_distributed(request)
    with ddtracer.trace("django.request"):
        _activate_distributed(request)  # error: CTX107
        return get_response(request)


def consume(span, message, process):
    with trace.use_span(span, end_on_exit=True):
        remote = extract(message.headers)
        token = context.attach(remote)  # error: CTX107
        process(message)
        context.detach(token)


# --- correct idioms: never reported -------------------------------------------------


def handle_fixed(request, view):
    token = context.attach(extract(request.headers))
    try:
        with tracer.start_as_current_span("request", kind=trace.SpanKind.SERVER):
            return view(request)
    finally:
        context.detach(token)


def traced_get_response_fixed(get_response, request):
    _activate_distributed(request)
    with ddtracer.trace("django.request"):
        return get_response(request)


def parent_on_remote(request, view):
    with tracer.start_as_current_span("request", context=extract(request.headers)):
        return view(request)


def attach_value(view, request):
    with tracer.start_as_current_span("request"):
        token = context.attach(context.set_value("tenant", request.tenant))
        try:
            return view(request)
        finally:
            context.detach(token)
