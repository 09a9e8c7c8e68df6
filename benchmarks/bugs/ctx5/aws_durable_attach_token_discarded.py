# source: aws/aws-durable-execution-sdk-python#643 (fix: PR #650 "balance otel context attach and detach")
# bug: the OTel plugin hooks call context.attach(...) and throw the token away; "restoring" the enclosing span attaches again, so every operation pushes another unbalanced context and the workflow span stays current into the next warm invocation
# fix: keep each token keyed like its span and detach it at the matching end hook; release leftovers at invocation cleanup
from opentelemetry import context as otel_context
from opentelemetry import trace


class ExecutionOtelPlugin:
    def __init__(self, tracer: trace.Tracer, extracted_context) -> None:
        self._tracer = tracer
        self._extracted = extracted_context
        self._spans = {}
        self._workflow_span = None

    def on_invocation_start(self, info) -> None:
        self._workflow_span = self._tracer.start_span("workflow", context=self._extracted)
        otel_context.attach(trace.set_span_in_context(self._workflow_span, self._extracted))  # expect: CTX502

    def on_user_function_start(self, info) -> None:
        parent = self._spans.get(info.parent_id) or self._workflow_span
        span = self._tracer.start_span(info.name, context=trace.set_span_in_context(parent))
        self._spans[info.operation_id] = span
        otel_context.attach(trace.set_span_in_context(span, self._extracted))  # expect: CTX502

    def on_user_function_end(self, info) -> None:
        span = self._spans.pop(info.operation_id, None)
        if span is not None:
            span.end()
        enclosing = self._spans.get(info.parent_id) or self._workflow_span
        if enclosing is not None:
            otel_context.attach(trace.set_span_in_context(enclosing, self._extracted))  # expect: CTX502
