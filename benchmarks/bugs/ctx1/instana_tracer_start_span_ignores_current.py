# source: instana/python-sensor#589 (commit b4ceabf7)
# bug: the OTel-style tracer's start_span() uses span_context=None as "no parent" instead of falling back to the current span, so every nested span without an explicit parent starts a new trace
# fix: parent_context = span_context if span_context else get_current_span().get_span_context()
import time

from opentelemetry.trace import SpanKind, Tracer


class ServiceTracer(Tracer):
    def __init__(self, processor, id_source):
        self._processor = processor
        self._ids = id_source

    def start_span(self, name, span_context=None, kind=SpanKind.INTERNAL,
                   attributes=None, links=None, start_time=None,
                   record_exception=True, set_status_on_exception=True):
        parent_context = span_context  # expect: CTX1
        if parent_context is not None and not parent_context.is_valid:
            parent_context = None
        new_context = self._ids.child_of(parent_context)
        return self._processor.new_span(
            name,
            new_context,
            parent_id=None if parent_context is None else parent_context.span_id,
            start_time=start_time or time.time_ns(),
            attributes=attributes,
        )
