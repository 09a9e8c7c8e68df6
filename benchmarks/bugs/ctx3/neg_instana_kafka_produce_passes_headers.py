# source: instana/python-sensor commit e4ce09e0 (the fixed version)
# bug: looks like inject() into a headers object built from a default when produce() got none
# fix: n/a: the headers object is put back into kwargs, so produce() sends it
# expect: none
from instana.propagators.format import Format
from instana.util.traceutils import get_tracer_tuple
from opentelemetry.trace import SpanKind


def trace_kafka_produce(wrapped, instance, args, kwargs):
    tracer, parent_span, _ = get_tracer_tuple()
    with tracer.start_as_current_span(
        "kafka-producer", span_context=parent_span.get_span_context(), kind=SpanKind.PRODUCER
    ) as span:
        headers = args[6] if len(args) > 6 else kwargs.get("headers", [])
        tracer.inject(span.context, Format.KAFKA_HEADERS, headers, disable_w3c_trace_context=True)
        if len(args) <= 6:
            kwargs["headers"] = headers
        return wrapped(*args, **kwargs)
