# source: open-telemetry/opentelemetry-python-contrib#4102 ("django: handle cancelled requests more cleanly"; earlier #3848; reported on open-telemetry/opentelemetry-python#2606)
# bug: the old-style Django middleware attaches the extracted context and enters use_span() by hand in process_request, parks token and activation in request.META and detaches/exits in process_response; when Django's ASGI handler cancels a disconnected request, process_response never runs, the span is never ended and the activation's finally runs later from GC in another context ("Failed to detach context")
# fix: wrap get_response in one __call__ with try/finally that exits the activation and detaches the token
from django.utils.deprecation import MiddlewareMixin
from opentelemetry import context, propagate, trace
from opentelemetry.context import detach
from opentelemetry.trace import SpanKind, use_span

tracer = trace.get_tracer(__name__)
_TOKEN = "otel.token"
_ACTIVATION = "otel.activation"


class OtelMiddleware(MiddlewareMixin):
    def process_request(self, request) -> None:
        token = context.attach(propagate.extract(request.META))  # expect: CTX502
        span = tracer.start_span(request.path, kind=SpanKind.SERVER)
        activation = use_span(span, end_on_exit=True)
        activation.__enter__()
        request.META[_ACTIVATION] = activation
        request.META[_TOKEN] = token

    def process_exception(self, request, exception) -> None:
        activation = request.META.get(_ACTIVATION)
        if activation is not None:
            activation.__exit__(type(exception), exception, exception.__traceback__)

    def process_response(self, request, response):
        activation = request.META.pop(_ACTIVATION, None)
        if activation is not None:
            activation.__exit__(None, None, None)
        token = request.META.pop(_TOKEN, None)
        if token is not None:
            detach(token)
        return response
