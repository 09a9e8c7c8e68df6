# source: open-telemetry/opentelemetry-python-contrib#2385 (commit c3e9f75fb; root cause open-telemetry/opentelemetry-python#3350)
# bug: the task span is parented on the extracted producer context but that context is never attached, so the producer's baggage (and any other propagated value) is missing inside the task body
# fix: token = context.attach(tracectx) before the span starts, context.detach(token) in task_postrun
from celery import signals
from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("worker.tasks")


@signals.task_prerun.connect(weak=False)
def on_prerun(task_id=None, task=None, **kwargs):
    tracectx = extract(task.request.headers or {}) or None
    span = tracer.start_span(  # expect: CTX3
        f"run/{task.name}", context=tracectx, kind=trace.SpanKind.CONSUMER
    )
    activation = trace.use_span(span, end_on_exit=True)
    activation.__enter__()
    task.request.otel_activation = activation


@signals.task_postrun.connect(weak=False)
def on_postrun(task_id=None, task=None, **kwargs):
    task.request.otel_activation.__exit__(None, None, None)
