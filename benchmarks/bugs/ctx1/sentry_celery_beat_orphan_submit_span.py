# source: getsentry/sentry-python#2510 (fixes #1096, commit 0c9803a9f)
# bug: apply_async always opens a submit span and propagates its id; when Celery Beat calls apply_async there is no transaction, the span is never sent, and every task transaction points at a parent that does not exist (orphaned traces)
# fix: when the task is triggered by Beat, create no submit span and send no parent; start a fresh trace instead
from functools import wraps

from celery.app.task import Task
from sentry_sdk import Hub


def _wrap_apply_async(f):
    @wraps(f)
    def apply_async(*args, **kwargs):
        hub = Hub.current
        task = args[0]
        with hub.start_span(op="queue.submit.celery", description=task.name) as span:  # expect: CTX1
            headers = dict(hub.iter_trace_propagation_headers(span))
            kwarg_headers = kwargs.get("headers") or {}
            kwarg_headers.update(headers)
            kwargs["headers"] = kwarg_headers
            return f(*args, **kwargs)

    return apply_async


Task.apply_async = _wrap_apply_async(Task.apply_async)
