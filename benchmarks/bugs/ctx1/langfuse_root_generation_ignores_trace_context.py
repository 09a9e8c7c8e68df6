# source: langflow-ai/langflow#13539 (fixes #13429)
# bug: the callback handler applies the flow's trace_context on the chain path only; when the model is the root LangChain run, the generation is started without it and lands in an orphan trace
# fix: pass trace_context=self.trace_context when a root run starts a generation too
from langchain_core.callbacks import BaseCallbackHandler
from langfuse import get_client


class FlowTracer(BaseCallbackHandler):
    def __init__(self, trace_context):
        self.client = get_client()
        self.trace_context = trace_context
        self.runs = {}

    def on_chain_start(self, serialized, inputs, *, run_id, parent_run_id=None, **kwargs):
        parent = self.runs.get(parent_run_id)
        if parent is None:
            run = self.client.start_span(name="chain", trace_context=self.trace_context)
        else:
            run = parent.start_span(name="chain")
        self.runs[run_id] = run

    def on_chat_model_start(self, serialized, messages, *, run_id, parent_run_id=None, **kwargs):
        parent = self.runs.get(parent_run_id)
        if parent is None:
            run = self.client.start_observation(name="llm", as_type="generation")  # expect: CTX1
        else:
            run = parent.start_observation(name="llm", as_type="generation")
        self.runs[run_id] = run

    def on_llm_end(self, response, *, run_id, **kwargs):
        self.runs.pop(run_id).end()
