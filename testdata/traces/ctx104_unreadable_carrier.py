# ctxlint: select = ["CTX1"]
# CTX104: extractions whose carrier cannot hold a readable `traceparent`.
import os

from elasticapm.utils.disttracing import TraceParent
from instana.propagators.format import Format
from opentelemetry import context, propagate, trace
from opentelemetry.instrumentation.wsgi import wsgi_getter
from opentelemetry.propagate import extract

from ddtrace.propagation.http import HTTPPropagator

tracer = trace.get_tracer(__name__)


class DjangoTracingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        span = tracer.start_span(  # error: CTX104
            request.path, context=extract(request.META), kind=trace.SpanKind.SERVER
        )
        with trace.use_span(span, end_on_exit=True):
            return self.get_response(request)


def before_request(request):
    request.environ["otel.token"] = context.attach(extract(request.environ))  # error: CTX104


def wsgi_app(environ, start_response):
    parent = propagate.extract(environ)
    with tracer.start_as_current_span("wsgi", context=parent, kind=trace.SpanKind.SERVER):  # error: CTX104
        start_response("200 OK", [])
        return [b"ok"]


class ApmMiddleware:
    def __init__(self, app, client):
        self.app = app
        self.client = client

    async def __call__(self, scope, receive, send):
        self.client.begin_transaction(  # error: CTX104
            "request", trace_parent=TraceParent.from_headers(scope["headers"])
        )
        await self.app(scope, receive, send)


def lambda_handler(event, context):
    headers = event.get("headers") or {}
    with tracer.start_as_current_span("handler", context=extract(headers), kind=trace.SpanKind.SERVER):  # error: CTX104
        return {"statusCode": 200}


def consume_wrapper(wrapped, instance, args, kwargs):
    parent = instana_tracer().extract(Format.KAFKA_HEADERS, {})
    with instana_tracer().start_as_current_span(  # error: CTX104
        "kafka-consumer", span_context=parent, kind=trace.SpanKind.CONSUMER
    ):
        return wrapped(*args, **kwargs)


def publish(channel, body, properties):
    parent = propagate.extract(properties.headers)
    span = tracer.start_span("send", context=parent, kind=trace.SpanKind.PRODUCER)  # error: CTX104
    with trace.use_span(span, end_on_exit=True):
        propagate.inject(properties.headers)
        channel.basic_publish("", "jobs", body, properties)


def child_process_main():
    with tracer.start_as_current_span("job", context=extract(os.environ)):  # error: CTX104
        pass


def instana_tracer():
    return None


# --- correct idioms: never reported -------------------------------------------------


class HeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with tracer.start_as_current_span(request.path, context=extract(request.headers)):
            return self.get_response(request)


def before_request_with_getter(request):
    request.environ["otel.token"] = context.attach(extract(request.environ, getter=wsgi_getter))


def new_root_on_purpose():
    # an empty extraction outside a receiving span is a deliberate root, like Context()
    with tracer.start_as_current_span("nightly", context=extract({})):
        pass


def ddtrace_activate(request, ddtracer):
    # ddtrace's propagator reads WSGI-style `HTTP_X_DATADOG_*` keys itself
    ddtracer.context_provider.activate(HTTPPropagator.extract(request.META))


def lambda_handler_with_fallback(event, context):
    parent = extract(event.get("headers") or {}) or None
    with tracer.start_as_current_span("handler", context=parent):
        return {"statusCode": 200}


def relay(channel, received, outgoing):
    parent = propagate.extract(received.headers)
    with tracer.start_as_current_span("relay", context=parent, kind=trace.SpanKind.CONSUMER):
        propagate.inject(outgoing.headers)
        channel.basic_publish("", "jobs", b"", outgoing)


def on_event(event):
    # an event-bus handler: its `event` is not a Lambda event, the casing is its own
    with tracer.start_as_current_span("event", context=extract(event["headers"])):
        pass
