# CTX206 regression (celery bgThread and timer2.Timer, dramatiq Consumer/WorkerThread,
# langfuse consumers): a Thread subclass whose run() is a service loop serves whatever
# comes until it is stopped; the context of the code that starts it is not its own.
import contextvars
import queue
import threading
from threading import Thread

request_id = contextvars.ContextVar("request_id", default="-")


def log(message):
    print(request_id.get(), message)


class bgThread(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self._is_shutdown = threading.Event()

    def run(self):
        while not self._is_shutdown.is_set():
            self.body()

    def body(self):
        log("tick")  # a service loop: it serves no request, whatever it logs


class ConsumerThread(Thread):
    def __init__(self, consumer):
        super().__init__(daemon=True)
        self.consumer = consumer
        self.running = True

    def run(self):
        while self.running:
            self.consumer.poll()


class WorkerThread(Thread):
    def __init__(self, work: queue.Queue):
        super().__init__()
        self.work = work

    def run(self):
        while True:
            item = self.work.get()
            if item is None:
                return
            item()


# --- a thread doing one piece of work: still reported --------------------------------


class Uploader(Thread):  # error: CTX206
    def __init__(self, files):
        super().__init__()
        self.files = files

    def run(self):
        for name in self.files:
            log(f"uploading {name}")


class Retrier(Thread):  # error: CTX206
    def run(self):
        while True:
            try:
                self.send()
                break
            except OSError:
                continue

    def send(self):
        log("sending")


class Reporter(Thread):  # error: CTX206
    def run(self):
        log("report")


class Printer(Thread):  # free work: never reported
    def run(self):
        print("report")
