# ctxlint: select = ["CTX1"]
# CTX105: Tracer subclasses whose start_span never falls back to the current context.
from opentelemetry import trace
from opentelemetry.trace import INVALID_SPAN, SpanKind, Tracer


class SpanContextTracer(Tracer):
    def __init__(self, processor):
        self._processor = processor

    def start_span(self, name, span_context=None, kind=SpanKind.INTERNAL, attributes=None, links=None,
                   start_time=None, record_exception=True, set_status_on_exception=True):
        parent = span_context  # error: CTX105
        return self._processor.new_span(name, parent, attributes)


class ContextTracer(Tracer):
    def start_span(self, name, context=None, kind=SpanKind.INTERNAL, attributes=None, links=None,
                   start_time=None, record_exception=True, set_status_on_exception=True):
        if context is None:  # error: CTX105
            return self._root(name)
        return self._child(name, context)


class BaseTracer(Tracer):
    pass


class DerivedTracer(BaseTracer):
    def start_span(self, name, context=None, **kwargs):
        return self._build(name, parent=context)  # error: CTX105


# --- correct idioms: never reported -------------------------------------------------


class FallbackTracer(Tracer):
    def start_span(self, name, context=None, kind=SpanKind.INTERNAL, **kwargs):
        parent = trace.get_current_span(context).get_span_context()
        return self._build(name, parent)


class DelegatingTracer(Tracer):
    def __init__(self, tracer):
        self._tracer = tracer

    def start_span(self, name, context=None, *args, **kwargs):
        return self._tracer.start_span(name, context, *args, **kwargs)


class NoOpTracer(Tracer):
    def start_span(self, name, context=None, **kwargs):
        return INVALID_SPAN


class SpanFactory:
    # not a Tracer: its parent argument means what its own API says
    def start_span(self, name, context=None):
        return {"name": name, "parent": context}
