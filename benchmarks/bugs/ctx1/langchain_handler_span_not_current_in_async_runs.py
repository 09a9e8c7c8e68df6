# source: traceloop/openllmetry#3206 (commit 3bb39f7bc)
# bug: the LangChain callback handler makes its span current only for sync callback managers; in async (LangGraph) runs the OpenAI/HTTP spans created inside a node are not its children and show up outside the workflow trace
# fix: always context.attach(set_span_in_context(span)) and tolerate the detach ValueError in async callbacks
from langchain_core.callbacks import BaseCallbackHandler
from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.trace import set_span_in_context


class WorkflowSpans(BaseCallbackHandler):
    def __init__(self, tracer: trace.Tracer, callback_manager=None):
        self.tracer = tracer
        self._callback_manager = callback_manager
        self.spans = {}

    def on_chain_start(self, serialized, inputs, *, run_id, parent_run_id=None, **kwargs):
        holder = self.spans.get(parent_run_id)
        if holder is not None:
            span = self.tracer.start_span("chain", context=set_span_in_context(holder[0]))
        else:
            span = self.tracer.start_span("chain")
        token = None
        if self._callback_manager and not self._callback_manager.is_async:  # expect: CTX1
            token = context_api.attach(set_span_in_context(span))
        self.spans[run_id] = (span, token)

    def on_chain_end(self, outputs, *, run_id, **kwargs):
        span, token = self.spans.pop(run_id)
        span.end()
        if token is not None:
            context_api.detach(token)
