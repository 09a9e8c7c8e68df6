# source: open-telemetry/opentelemetry-python-contrib, instrumentation-celery _trace_prerun (extract(...) or None since #1146)
# bug: looks like a task span parented on extract() of a request that may carry no trace headers
# fix: n/a: an empty Context is falsy, `or None` turns it into None, and None means "the current context"
# expect: none
from celery import signals
from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.propagators.textmap import Getter

tracer = trace.get_tracer("worker.celery")


class RequestGetter(Getter):
    def get(self, carrier, key):
        value = getattr(carrier, key, None)
        return None if value is None else [str(value)]

    def keys(self, carrier):
        return []


@signals.task_prerun.connect(weak=False)
def on_prerun(task_id=None, task=None, **kwargs):
    parent = extract(task.request, getter=RequestGetter()) or None
    token = context_api.attach(parent) if parent is not None else None
    span = tracer.start_span(f"run/{task.name}", context=parent, kind=trace.SpanKind.CONSUMER)
    task.request.otel = (span, trace.use_span(span, end_on_exit=True), token)
    task.request.otel[1].__enter__()
