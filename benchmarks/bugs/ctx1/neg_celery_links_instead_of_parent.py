# source: open-telemetry/opentelemetry-python-contrib#4537 (use_span_links=True)
# bug: looks like a task span that ignores the producer's extracted context
# fix: n/a: a deliberate new trace, linked to the producer span with links=
# expect: none
from celery import signals
from opentelemetry import trace
from opentelemetry.propagate import extract

tracer = trace.get_tracer("worker.celery")


@signals.task_prerun.connect(weak=False)
def on_prerun(task_id=None, task=None, **kwargs):
    extracted = extract(task.request.headers or {}) or None
    links = None
    if extracted is not None:
        producer = trace.get_current_span(extracted).get_span_context()
        links = [trace.Link(producer)] if producer.is_valid else None
    span = tracer.start_span(f"run/{task.name}", links=links, kind=trace.SpanKind.CONSUMER)
    activation = trace.use_span(span, end_on_exit=True)
    activation.__enter__()
    task.request.otel = (span, activation)
