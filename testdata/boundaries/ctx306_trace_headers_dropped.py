# CTX306: hand-written propagation whose trace headers never reach the receiver.
from collections import OrderedDict

import openai
import pika
from celery.app.task import Task
from instana.propagators.format import Format
from opentelemetry import propagate, trace
from opentelemetry.propagate import inject
from sentry_sdk import Hub

tracer = trace.get_tracer(__name__)


def inject_metadata(metadata):
    def append_metadata(carrier, key, value):
        metadata[key] = value

    inject(append_metadata, metadata)  # error: CTX306


def publish_invoice(channel, routing_key, body, properties=None):
    if not properties:
        properties = pika.BasicProperties()
    with tracer.start_as_current_span(f"{routing_key} send", kind=trace.SpanKind.PRODUCER):
        propagate.inject(properties.headers)
        return channel.basic_publish(exchange="", routing_key=routing_key, body=body, properties=properties)  # error: CTX306


def urlopen_wrapper(wrapped, instance, args, kwargs):
    headers = kwargs.get("headers")
    with tracer.start_as_current_span("GET", kind=trace.SpanKind.CLIENT):
        if headers is not None:
            headers["traceparent"] = current_traceparent()
        return wrapped(*args, **kwargs)  # error: CTX306


def produce_wrapper(wrapped, instance, args, kwargs):
    active = instana_tracer()
    with active.start_as_current_span("kafka-producer") as span:
        headers = args[6] if len(args) > 6 else kwargs.get("headers", {})
        active.inject(span.context, Format.KAFKA_HEADERS, headers)
        return wrapped(*args, **kwargs)  # error: CTX306


def ask(question):
    with tracer.start_as_current_span("openai.chat", kind=trace.SpanKind.CLIENT):
        extra_headers = {}
        propagate.inject(extra_headers)
        return openai.ChatCompletion.create(  # error: CTX306
            model="gpt-3.5-turbo", messages=[{"role": "user", "content": question}], extra_headers=extra_headers
        )


async def publish_event(exchange, message):
    with tracer.start_as_current_span("events send", kind=trace.SpanKind.PRODUCER) as span:
        if span.is_recording():
            propagate.inject(message.headers)
        await exchange.publish(message, routing_key="events")  # error: CTX306


def wrap_apply_async(f):
    def apply_async(*args, **kwargs):
        hub = Hub.current
        with hub.start_span(op="queue.submit.celery") as span:
            headers = dict(hub.iter_trace_propagation_headers(span))
            kwarg_headers = kwargs.get("headers") or {}
            kwarg_headers.update(headers)  # error: CTX306
            kwargs["headers"] = kwarg_headers
            return f(*args, **kwargs)

    return apply_async


Task.apply_async = wrap_apply_async(Task.apply_async)


def current_traceparent():
    return ""


def instana_tracer():
    return None


# --- correct idioms: never reported -------------------------------------------------


def inject_metadata_fixed(client_call_details):
    metadata = OrderedDict(client_call_details.metadata or ())
    inject(metadata)
    return tuple(metadata.items())


def publish_invoice_fixed(channel, routing_key, body, properties=None):
    if not properties:
        properties = pika.BasicProperties(headers={})
    if properties.headers is None:
        properties.headers = {}
    propagate.inject(properties.headers)
    return channel.basic_publish(exchange="", routing_key=routing_key, body=body, properties=properties)


def produce_wrapper_fixed(wrapped, instance, args, kwargs):
    headers = args[6] if len(args) > 6 else kwargs.get("headers", [])
    instana_tracer().inject(None, Format.KAFKA_HEADERS, headers)
    if len(args) <= 6:
        kwargs["headers"] = headers
    return wrapped(*args, **kwargs)


def forward(session, url, kwargs):
    headers = kwargs.get("headers", {})
    propagate.inject(headers)
    return session.get(url, headers=headers)


async def publish_event_unsampled_too(exchange, message):
    with tracer.start_as_current_span("events send", kind=trace.SpanKind.PRODUCER) as span:
        if span.is_recording():
            span.set_attribute("messaging.message.body.size", len(message.body))
        propagate.inject(message.headers)
        await exchange.publish(message, routing_key="events")


def merge_baggage(f):
    def apply_async(*args, **kwargs):
        hub = Hub.current
        with hub.start_span(op="queue.submit.celery") as span:
            headers = dict(hub.iter_trace_propagation_headers(span))
            kwarg_headers = kwargs.get("headers") or {}
            existing, ours = kwarg_headers.get("baggage"), headers.get("baggage")
            kwarg_headers.update(headers)
            if existing and ours:
                kwarg_headers["baggage"] = f"{existing},{ours}"
            kwargs["headers"] = kwarg_headers
            return f(*args, **kwargs)

    return apply_async


def constructor_arguments(headers, **kwargs):
    # `kwargs` are a constructor's keyword arguments, not request headers
    kwargs.update({"baggage": headers.get("baggage")})
    return kwargs


def trace_from_environment(environ):
    # Rebound only to a new dict of its own (sentry_sdk's scope reads SENTRY_TRACE so):
    # nothing a caller passed is dropped.
    carried = None
    if environ.get("USE_ENVIRONMENT"):
        carried = {}
        carried["sentry-trace"] = environ.get("SENTRY_TRACE") or ""
    return carried or None
