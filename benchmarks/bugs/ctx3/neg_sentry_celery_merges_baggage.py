# source: getsentry/sentry-python#2191 (the fixed version)
# bug: looks like trace headers merged into caller-supplied task headers
# fix: n/a: an existing baggage header is kept and the SDK's entries are appended to it
# expect: none
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
            existing = kwarg_headers.get("baggage")
            ours = headers.get("baggage")
            combined = f"{existing},{ours}" if existing and ours else (ours or existing)
            kwarg_headers.update(headers)
            if combined:
                kwarg_headers["baggage"] = combined
            kwargs["headers"] = kwarg_headers
            return f(*args, **kwargs)

    return apply_async


Task.apply_async = _wrap_apply_async(Task.apply_async)
