# source: langflow-ai/langflow#13539 (the fixed version)
# bug: looks like a root observation started from a callback with no current span
# fix: n/a: the flow's trace_context is passed on every root run, chain or generation
# expect: none
from langchain_core.callbacks import BaseCallbackHandler
from langfuse import get_client


class FlowTracer(BaseCallbackHandler):
    def __init__(self, trace_context):
        self.client = get_client()
        self.trace_context = trace_context
        self.runs = {}

    def on_chat_model_start(self, serialized, messages, *, run_id, parent_run_id=None, **kwargs):
        parent = self.runs.get(parent_run_id)
        if parent is None:
            run = self.client.start_observation(
                name="llm", as_type="generation", trace_context=self.trace_context
            )
        else:
            run = parent.start_observation(name="llm", as_type="generation")
        self.runs[run_id] = run

    def on_llm_end(self, response, *, run_id, **kwargs):
        self.runs.pop(run_id).end()
