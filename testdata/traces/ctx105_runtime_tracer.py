# ctxlint: select = ["CTX1"]
# Run with the real SDK by tests/test_traces.py: a `Tracer` subclass whose `start_span`
# takes the parent only from its argument starts a new trace under a current span.
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Tracer

sdk = trace.get_tracer(__name__)


class ArgumentOnlyTracer(Tracer):
    def start_span(self, name, context=None, kind=trace.SpanKind.INTERNAL, attributes=None, links=None,
                   start_time=None, record_exception=True, set_status_on_exception=True):
        parent = context if context is not None else Context()  # error: CTX105
        return sdk.start_span(name, context=parent)

    @contextmanager
    def start_as_current_span(self, name, context=None, **kwargs):
        with trace.use_span(self.start_span(name, context), end_on_exit=True) as span:
            yield span


class FallbackTracer(Tracer):
    def start_span(self, name, context=None, kind=trace.SpanKind.INTERNAL, attributes=None, links=None,
                   start_time=None, record_exception=True, set_status_on_exception=True):
        return sdk.start_span(name, context=context)

    @contextmanager
    def start_as_current_span(self, name, context=None, **kwargs):
        with trace.use_span(self.start_span(name, context), end_on_exit=True) as span:
            yield span


def reported_argument_only():
    with sdk.start_as_current_span("request"):
        with ArgumentOnlyTracer().start_as_current_span("child"):
            pass


def use_instead_fallback():
    with sdk.start_as_current_span("request"):
        with FallbackTracer().start_as_current_span("child"):
            pass
