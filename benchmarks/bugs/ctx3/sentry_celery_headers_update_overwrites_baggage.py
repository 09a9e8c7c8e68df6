# source: getsentry/sentry-python#2191 (commit 625e1b360)
# bug: apply_async merges the SDK's trace headers into the caller's headers with dict.update(), replacing a baggage header the caller (or another tracer) already set: the task receives only Sentry's baggage
# fix: when both exist, send "existing_baggage,sentry_baggage"; same fix for the httpx integration
from functools import wraps

from celery.app.task import Task
from sentry_sdk import Hub


def _wrap_apply_async(f):
    @wraps(f)
    def apply_async(*args, **kwargs):
        hub = Hub.current
        with hub.start_span(op="queue.submit.celery", description=args[0].name) as span:
            headers = dict(hub.iter_trace_propagation_headers(span))
            kwarg_headers = kwargs.get("headers") or {}
            kwarg_headers.update(headers)  # expect: CTX3
            kwarg_headers.setdefault("headers", {}).update(headers)
            kwargs["headers"] = kwarg_headers
            return f(*args, **kwargs)

    return apply_async


Task.apply_async = _wrap_apply_async(Task.apply_async)
