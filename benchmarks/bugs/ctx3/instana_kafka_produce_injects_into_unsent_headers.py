# source: instana/python-sensor commit e4ce09e0 ("fix: Kafka context propagation")
# bug: when produce() is called without headers, the wrapper injects the trace context into a fresh default object that is never handed to produce(): the message goes out without trace headers
# fix: kwargs["headers"] = headers before calling the wrapped produce()
from instana.propagators.format import Format
from instana.util.traceutils import get_tracer_tuple
from opentelemetry.trace import SpanKind


def trace_kafka_produce(wrapped, instance, args, kwargs):
    tracer, parent_span, _ = get_tracer_tuple()
    with tracer.start_as_current_span(
        "kafka-producer", span_context=parent_span.get_span_context(), kind=SpanKind.PRODUCER
    ) as span:
        span.set_attribute("kafka.access", "produce")
        headers = args[6] if len(args) > 6 else kwargs.get("headers", {})
        tracer.inject(span.context, Format.KAFKA_HEADERS, headers, disable_w3c_trace_context=True)
        return wrapped(*args, **kwargs)  # expect: CTX3
