# Run with the real SDK by tests/test_boundaries.py: each function makes a call by hand with
# propagation written the way the function shows, and returns the headers the receiver
# gets. `reported_*` lose the `traceparent` (and are reported by CTX306), `use_instead_*`
# send it.
from opentelemetry import propagate, trace
from opentelemetry.propagate import inject
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

tracer = trace.get_tracer(__name__)
unsampled = TracerProvider(sampler=ALWAYS_OFF).get_tracer(__name__)


def _receiver(*args, **kwargs):
    """What a client sends: the headers it was given (`headers=`)."""
    return dict(kwargs.get("headers") or {})


def reported_function_carrier():
    with tracer.start_as_current_span("call", kind=trace.SpanKind.CLIENT):
        metadata = {}

        def append_metadata(carrier, key, value):
            metadata[key] = value

        inject(append_metadata, metadata)  # error: CTX306
        return dict(metadata)


def reported_fresh_default_not_sent(kwargs=None):
    kwargs = {} if kwargs is None else kwargs
    with tracer.start_as_current_span("produce", kind=trace.SpanKind.PRODUCER):
        headers = kwargs.get("headers", {})
        inject(headers)
        return _receiver(**kwargs)  # error: CTX306


def reported_only_when_recording():
    with unsampled.start_as_current_span("publish", kind=trace.SpanKind.PRODUCER) as span:
        message = {"headers": {}}
        if span.is_recording():
            propagate.inject(message["headers"])
        return _receiver(headers=message["headers"], message=message)  # error: CTX306


def use_instead_metadata_carrier():
    with tracer.start_as_current_span("call", kind=trace.SpanKind.CLIENT):
        metadata = {}
        inject(metadata)
        return dict(metadata)


def use_instead_put_back(kwargs=None):
    kwargs = {} if kwargs is None else kwargs
    with tracer.start_as_current_span("produce", kind=trace.SpanKind.PRODUCER):
        headers = kwargs.get("headers", {})
        inject(headers)
        kwargs["headers"] = headers
        return _receiver(**kwargs)


def use_instead_always_inject():
    with unsampled.start_as_current_span("publish", kind=trace.SpanKind.PRODUCER):
        message = {"headers": {}}
        propagate.inject(message["headers"])
        return _receiver(headers=message["headers"], message=message)
