# ctxlint: select = ["CTX1"]
# CTX106: a class keeps a parent context and passes it to some span starts on its tracer
# but not to another.
from langfuse import get_client
from opentelemetry import trace


class FlowTracer:
    def __init__(self, trace_context):
        self.client = get_client()
        self.trace_context = trace_context

    def on_chain_start(self, name):
        return self.client.start_span(name=name, trace_context=self.trace_context)

    def on_llm_start(self, name):
        return self.client.start_observation(name=name, as_type="generation")  # error: CTX106


class JobRunner:
    def __init__(self, parent_context):
        self.tracer = trace.get_tracer(__name__)
        self.parent_context = parent_context

    def run(self, job):
        with self.tracer.start_as_current_span("job", context=self.parent_context):
            job()

    def retry(self, job):
        with self.tracer.start_as_current_span("job.retry"):  # error: CTX106
            job()


class BatchExporter:
    def __init__(self, tracer, origin):
        self._tracer = tracer
        self._origin = origin

    def export(self, rows):
        span = self._tracer.start_span("export", self._origin)
        span.end()

    def flush(self):
        span = self._tracer.start_span("flush")  # error: CTX106
        span.end()


# --- correct idioms: never reported -------------------------------------------------


class FixedFlowTracer:
    def __init__(self, trace_context):
        self.client = get_client()
        self.trace_context = trace_context

    def on_chain_start(self, name):
        return self.client.start_span(name=name, trace_context=self.trace_context)

    def on_llm_start(self, name):
        return self.client.start_observation(name=name, trace_context=self.trace_context)


class NestedSpans:
    def __init__(self, parent_context):
        self.tracer = trace.get_tracer(__name__)
        self.parent_context = parent_context

    def run(self, job):
        with self.tracer.start_as_current_span("job", context=self.parent_context):
            with self.tracer.start_as_current_span("step"):  # a child of "job"
                job()


class ChildOfParentRun:
    def __init__(self, trace_context):
        self.client = get_client()
        self.trace_context = trace_context
        self.runs = {}

    def on_start(self, run_id, parent_id):
        parent = self.runs.get(parent_id)
        if parent is None:
            run = self.client.start_span(name="root", trace_context=self.trace_context)
        else:
            run = parent.start_span(name="child")  # started on its parent run
        self.runs[run_id] = run


class LinkedBatch:
    def __init__(self, origin):
        self.tracer = trace.get_tracer(__name__)
        self.origin = origin

    def process(self, item):
        with self.tracer.start_as_current_span("item", context=self.origin):
            pass

    def summary(self, links):
        with self.tracer.start_as_current_span("summary", links=links):  # a new trace, linked
            pass
