# source: instana/python-sensor commit e4ce09e0 ("fix: Kafka context propagation")
# bug: the confluent-kafka consume wrapper, when no span is active, extracts the parent from a literal {} instead of the message headers: every consumed message starts a new trace
# fix: extract from the received message's headers (msg.headers()) and create the consumer span per message
from instana.propagators.format import Format
from instana.util.traceutils import get_tracer_tuple
from opentelemetry.trace import SpanKind


def trace_consume(wrapped, instance, args, kwargs):
    tracer, parent_span, _ = get_tracer_tuple()
    if parent_span:
        parent = parent_span.get_span_context()
    else:
        parent = tracer.extract(Format.KAFKA_HEADERS, {}, disable_w3c_trace_context=True)
    with tracer.start_as_current_span(  # expect: CTX1
        "kafka-consumer", span_context=parent, kind=SpanKind.CONSUMER
    ) as span:
        span.set_attribute("kafka.access", "consume")
        messages = wrapped(*args, **kwargs)
        if messages:
            span.set_attribute("kafka.service", messages[0].topic())
        return messages
