# source: getsentry/sentry-python sentry_sdk/worker.py (commit 015ff31b48d322ddf7270b9391ef2ed16f7a42a3)
# expect: none
# bug: Housekeeping: the transport's worker thread is started lazily by the first submit() (often inside a request), but it is owned by a long-lived object and only drains a queue of send jobs that carry their own payload.
import os
import threading
from queue import Full, Queue

_TERMINATOR = object()


class BackgroundWorker:
    def __init__(self, queue_size=100):
        self._queue: Queue = Queue(queue_size)
        self._lock = threading.Lock()
        self._thread = None
        self._thread_for_pid = None

    @property
    def is_alive(self):
        return self._thread_for_pid == os.getpid() and self._thread is not None and self._thread.is_alive()

    def start(self):
        with self._lock:
            if not self.is_alive:
                self._thread = threading.Thread(target=self._target, name="BackgroundWorker", daemon=True)
                self._thread.start()
                self._thread_for_pid = os.getpid()

    def submit(self, callback):
        if not self.is_alive:
            self.start()
        try:
            self._queue.put_nowait(callback)
            return True
        except Full:
            return False

    def _target(self):
        while True:
            callback = self._queue.get()
            try:
                if callback is _TERMINATOR:
                    break
                callback()
            finally:
                self._queue.task_done()
