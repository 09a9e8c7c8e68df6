# ctxlint: select = ["CTX4"]
# CTX408: a worker loop that stops on a flag, with a call inside it that can block
# forever, so the flag is never looked at again (zentral#1480: a blocking put() on a
# bounded out-queue hung the SQS worker's shutdown).
import queue
import threading


def publish(item):
    return item


class Publisher(threading.Thread):
    def __init__(self, stop: threading.Event, inbox: queue.Queue, outbox: queue.Queue):
        super().__init__(daemon=True)
        self.stop = stop
        self.inbox = inbox
        self.outbox = outbox

    def run(self):
        while True:
            try:
                item = self.inbox.get(timeout=1)
            except queue.Empty:
                if self.stop.is_set():
                    break
                continue
            self.outbox.put(publish(item))  # error: CTX408


class Forwarder:
    def __init__(self):
        self._running = True
        self._results = queue.Queue(maxsize=100)
        threading.Thread(target=self._forward, daemon=True).start()

    def _forward(self):
        while self._running:
            self._results.put(publish("tick"), block=True)  # error: CTX408

    def close(self):
        self._running = False


class Drainer:
    def __init__(self):
        self._stopping = threading.Event()
        self._jobs = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        while not self._stopping.is_set():
            job = self._jobs.get()  # error: CTX408
            job()

    def stop(self):
        self._stopping.set()


# --- not reported ---------------------------------------------------------------------


class TimedPublisher(threading.Thread):
    def __init__(self, stop: threading.Event, inbox: queue.Queue, outbox: queue.Queue):
        super().__init__(daemon=True)
        self.stop = stop
        self.inbox = inbox
        self.outbox = outbox

    def run(self):
        while not self.stop.is_set():
            try:
                item = self.inbox.get(timeout=1)
            except queue.Empty:
                continue
            while not self.stop.is_set():
                try:
                    self.outbox.put(publish(item), timeout=1)
                    break
                except queue.Full:
                    continue


class UnboundedForwarder:
    def __init__(self):
        self._running = True
        self._results = queue.Queue()  # no maxsize: put() never blocks
        threading.Thread(target=self._forward, daemon=True).start()

    def _forward(self):
        while self._running:
            self._results.put(publish("tick"))


class WokenDrainer:
    def __init__(self):
        self._stopping = threading.Event()
        self._jobs = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        while not self._stopping.is_set():
            job = self._jobs.get()
            if job is not None:
                job()

    def stop(self):
        self._stopping.set()
        self._jobs.put(None)  # wakes the worker so it sees the flag


class Ticker:
    def __init__(self):
        self._stopped = threading.Event()
        threading.Thread(target=self._tick, daemon=True).start()

    def _tick(self):
        while not self._stopped.is_set():
            self._stopped.wait(5)  # the wait is on the flag itself, with a timeout

    def stop(self):
        self._stopped.set()


def not_a_worker(stop: threading.Event, outbox: queue.Queue):
    while not stop.is_set():  # runs in its caller's thread
        outbox.put("x")


class PausableConsumer(threading.Thread):
    """langfuse's prompt-cache consumer: the queue comes from its owner, which pauses the
    consumer and then sends one sentinel per consumer."""

    running = True

    def __init__(self, jobs: queue.Queue):
        super().__init__(daemon=True)
        self._jobs = jobs

    def run(self):
        while self.running:
            job = self._jobs.get()
            if job is None:
                break
            job()

    def pause(self):
        self.running = False
