# source: DataDog/dd-trace-py#2716
# bug: the Django integration re-activates the extracted distributed context after the request span was created, so the next spans of the request become children of the remote parent instead of the request span
# fix: activate the distributed headers once, before the request span starts
from ddtrace import tracer
from ddtrace.propagation.http import HTTPPropagator


def _activate_distributed(request):
    context = HTTPPropagator.extract(request.META)
    if context.trace_id:
        tracer.context_provider.activate(context)


def traced_get_response(func, request):
    _activate_distributed(request)
    with tracer.trace("django.request", span_type="web") as span:
        span.set_tag("http.method", request.method)
        _activate_distributed(request)  # expect: CTX1
        with tracer.trace("django.view"):
            return func(request)
