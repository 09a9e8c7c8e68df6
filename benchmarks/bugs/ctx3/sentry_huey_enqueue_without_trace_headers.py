# source: getsentry/sentry-python#2792 (commit 46a632d10)
# bug: the Huey integration traces enqueue() but puts no sentry-trace/baggage on the task, and the worker starts every task as a fresh Transaction: the request that queued the task and the task are separate traces
# fix: add sentry_headers (traceparent and baggage) to task.kwargs on enqueue, continue_trace() from them in execute
from huey.api import Huey
from sentry_sdk import Hub
from sentry_sdk.tracing import Transaction


def patch_enqueue():
    old_enqueue = Huey.enqueue

    def _sentry_enqueue(self, task):
        hub = Hub.current
        with hub.start_span(op="queue.submit.huey", description=task.name):
            return old_enqueue(self, task)  # expect: CTX3

    Huey.enqueue = _sentry_enqueue


def patch_execute():
    old_execute = Huey._execute

    def _sentry_execute(self, task, timestamp=None):
        hub = Hub.current
        transaction = Transaction(name=task.name, op="queue.task.huey", status="ok")
        with hub.start_transaction(transaction):
            return old_execute(self, task, timestamp)

    Huey._execute = _sentry_execute
