# ctxlint: extend-select = ["CTX2"]  # CTX201 is preview
# CTX201 regression (sentry-sdk monitor and session flusher, celery prefork timers,
# distributed profiler and pool workers, prefect control listener, uvicorn, dramatiq):
# a thread whose target runs a service loop serves whatever comes until it is told to
# stop. It outlives the code that starts it, so the context current there is not one it
# should carry. Not reported outside entry points; per-request work still is.
import contextvars
import functools
import queue
import threading
import time
from threading import Thread

from flask import Flask

app = Flask(__name__)
work = queue.Queue()
request_id = contextvars.ContextVar("request_id", default="-")


class Monitor:
    def __init__(self, interval):
        self.interval = interval
        self._running = True

    def _ensure_running(self):
        def _thread():
            while self._running:
                time.sleep(self.interval)
                self.run()

        thread = Thread(name="monitor", target=_thread)
        thread.daemon = True
        thread.start()

    def start_flusher(self, shutdown):
        def _flush():
            running = True
            while running:
                running = not shutdown.wait(5)
                self.flush()

        Thread(target=_flush).start()

    def start_pong(self):
        threading.Thread(target=self.always_pong, daemon=True).start()

    def always_pong(self):
        while True:
            self.pong()

    def run(self):
        pass

    def flush(self):
        pass

    def pong(self):
        pass


def start_timers(hub, shutdown_event):
    def fire_timers_loop():
        while not shutdown_event.is_set():
            hub.fire_timers()
            time.sleep(0.5)

    threading.Thread(target=fire_timers_loop, daemon=True).start()


def start_profiler(stop):
    # the target is defined further down the module
    threading.Thread(target=functools.partial(_watch, stop=stop), name="Profile").start()


def start_pool_worker(executor):
    t = threading.Thread(target=Pool.worker, args=(executor, work))
    t.start()


class Pool:
    @staticmethod
    def worker(executor, work_queue):
        while True:
            item = work_queue.get()
            if item is None:
                return  # the shutdown sentinel
            item.run()


def _watch(stop):
    while not stop():
        time.sleep(0.01)


# --- per-request work: still reported ------------------------------------------------


def send_audit_log(entry):
    print(request_id.get(), entry)


def deliver_with_retry(entry):
    while True:  # a retry loop: it ends when the delivery succeeds
        try:
            send_audit_log(entry)
            break
        except OSError:
            time.sleep(1)


def deliver_a_few_times(entry):
    attempts = 0
    while attempts < 3:
        send_audit_log(entry)
        attempts += 1


def drain(entries):
    while entries:  # runs out with the data
        send_audit_log(entries.pop())


def handle(request):
    threading.Thread(target=deliver_with_retry, args=(request,)).start()  # error: CTX201
    threading.Thread(target=deliver_a_few_times, args=(request,)).start()  # error: CTX201
    threading.Thread(target=drain, args=([request],)).start()  # error: CTX201
    threading.Thread(target=send_audit_log, args=(request,), daemon=True).start()  # error: CTX201


@app.post("/audit")
def audit():
    handle("audit")  # per-request work, in a function the handler calls
    return "ok"


@app.post("/stream")
def stream():
    # inside a request handler even a service loop is started on the request's behalf
    threading.Thread(target=_watch, args=(lambda: False,), daemon=True).start()  # error: CTX201
    return "ok"
