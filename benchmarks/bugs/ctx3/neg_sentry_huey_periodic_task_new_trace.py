# source: getsentry/sentry-python#2792 (periodic tasks are deliberately left without trace headers)
# bug: looks like an enqueue that sends some tasks without trace headers
# fix: n/a: a periodic task has no originating request; tying every run to the long-lived scheduler trace would be wrong
# expect: none
from huey.api import Huey, PeriodicTask
from sentry_sdk import Hub
from sentry_sdk.api import get_baggage, get_traceparent


def patch_enqueue():
    old_enqueue = Huey.enqueue

    def _sentry_enqueue(self, task):
        hub = Hub.current
        with hub.start_span(op="queue.submit.huey", description=task.name):
            if not isinstance(task, PeriodicTask):
                task.kwargs["sentry_headers"] = {
                    "baggage": get_baggage(),
                    "sentry-trace": get_traceparent(),
                }
            return old_enqueue(self, task)

    Huey.enqueue = _sentry_enqueue
