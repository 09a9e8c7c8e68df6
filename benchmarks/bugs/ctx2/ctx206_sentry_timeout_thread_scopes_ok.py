# source: getsentry/sentry-python#4914 (commit 1ad71634fa8d72b30c387f65966442c9438cd873)
# expect: none
# bug: The fix: the caller hands the invocation's live scopes to the Thread subclass (an explicit carrier read from context accessors), and run() captures inside them.
import threading

import sentry_sdk
from sentry_sdk.scope import use_isolation_scope, use_scope


class TimeoutWatchdog(threading.Thread):
    def __init__(self, waiting_time, configured_timeout, isolation_scope=None, current_scope=None):
        threading.Thread.__init__(self, daemon=True)
        self.waiting_time = waiting_time
        self.configured_timeout = configured_timeout
        self.isolation_scope = isolation_scope
        self.current_scope = current_scope
        self._stop_event = threading.Event()

    def stop(self):
        self._stop_event.set()

    def run(self):
        if self._stop_event.wait(self.waiting_time):
            return
        if self.isolation_scope is None or self.current_scope is None:
            return
        with use_isolation_scope(self.isolation_scope):
            with use_scope(self.current_scope):
                sentry_sdk.capture_message(
                    f"function is expected to time out (configured timeout = {self.configured_timeout}s)",
                    level="warning",
                )


def wrap_handler(handler):
    def sentry_handler(event, context):
        with sentry_sdk.isolation_scope() as scope:
            remaining = context.get_remaining_time_in_millis() / 1000
            watchdog = TimeoutWatchdog(
                remaining - 1.5,
                int(remaining),
                isolation_scope=scope,
                current_scope=sentry_sdk.get_current_scope(),
            )
            watchdog.start()
            try:
                return handler(event, context)
            finally:
                watchdog.stop()

    return sentry_handler
