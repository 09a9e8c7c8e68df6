# source: getsentry/sentry-python#4912 (fix: commit 1ad71634fa8d72b30c387f65966442c9438cd873, getsentry/sentry-python#4914; earlier report getsentry/sentry-python#1183)
# bug: the Lambda timeout watchdog is a Thread subclass that captures the timeout warning from its own run(); it holds no reference to the invocation's scopes, so tags and breadcrumbs the handler adds are missing from the warning
# fix: pass isolation_scope=scope and current_scope=sentry_sdk.get_current_scope() to the thread and capture inside use_isolation_scope()/use_scope()
import threading

import sentry_sdk


class TimeoutWatchdog(threading.Thread):  # expect: CTX206
    def __init__(self, waiting_time, configured_timeout):
        threading.Thread.__init__(self, daemon=True)
        self.waiting_time = waiting_time
        self.configured_timeout = configured_timeout
        self._stop_event = threading.Event()

    def stop(self):
        self._stop_event.set()

    def run(self):
        if self._stop_event.wait(self.waiting_time):
            return
        sentry_sdk.capture_message(
            f"function is expected to time out (configured timeout = {self.configured_timeout}s)",
            level="warning",
        )


def wrap_handler(handler):
    def sentry_handler(event, context):
        with sentry_sdk.isolation_scope() as scope:
            scope.set_tag("function", context.function_name)
            remaining = context.get_remaining_time_in_millis() / 1000
            watchdog = TimeoutWatchdog(remaining - 1.5, int(remaining))
            watchdog.start()
            try:
                return handler(event, context)  # the handler adds its own tags and breadcrumbs
            finally:
                watchdog.stop()

    return sentry_handler
