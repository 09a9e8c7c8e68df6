# source: open-telemetry/opentelemetry-python-contrib#2385 (the fixed version)
# bug: looks like a consumer span built from a context extracted from the task request
# fix: n/a: the extracted context is attached for the task body and detached in task_postrun
# expect: none
from celery import signals
from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("worker.tasks")


@signals.task_prerun.connect(weak=False)
def on_prerun(task_id=None, task=None, **kwargs):
    tracectx = extract(task.request.headers or {}) or None
    token = context_api.attach(tracectx) if tracectx is not None else None
    span = tracer.start_span(f"run/{task.name}", context=tracectx, kind=trace.SpanKind.CONSUMER)
    activation = trace.use_span(span, end_on_exit=True)
    activation.__enter__()
    task.request.otel = (activation, token)


@signals.task_postrun.connect(weak=False)
def on_postrun(task_id=None, task=None, **kwargs):
    activation, token = task.request.otel
    activation.__exit__(None, None, None)
    if token is not None:
        context_api.detach(token)
