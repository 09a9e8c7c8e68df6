# source: open-telemetry/opentelemetry-python-contrib#832 (fixes #448)
# bug: the Django middleware always parents its SERVER span on extract(request.META); behind an instrumented WSGI server the request span is already current, so the Django span lands in another trace or as a sibling
# fix: use the current span as parent when one is active (INTERNAL span), extract only when none is
from opentelemetry import context, trace
from opentelemetry.propagate import extract

tracer = trace.get_tracer("shop.django")


class TracingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        span = tracer.start_span(  # expect: CTX1
            request.path,
            context=extract(request.META),
            kind=trace.SpanKind.SERVER,
        )
        token = context.attach(trace.set_span_in_context(span))
        try:
            return self.get_response(request)
        finally:
            context.detach(token)
            span.end()
