# ctxlint: select = ["CTX4"]
# CTX404: a worker loop whose `break`/`return` cannot be reached while it waits. An exit in
# an `except` handler for an error the blocking `get()` never raises (hydrus#750: only the
# work item raising ShutdownException ends it), or a sentinel test when nothing in this
# module ever sends the sentinel to a queue only this module can reach (flaat#25).
import queue
import threading
from multiprocessing.connection import Client


class ShutdownError(Exception):
    pass


class CallToThread(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self._queue = queue.Queue()

    def put(self, fn):
        self._queue.put(fn)

    def run(self):
        while True:  # error: CTX404
            try:
                fn = self._queue.get()
                fn()
            except ShutdownError:
                return
            except Exception:
                print("job failed")


def check_tokens(tokens):
    jobs = queue.Queue()
    results = queue.Queue()

    def worker():
        while True:  # error: CTX404
            item = jobs.get()
            if item is None:
                break
            results.put(item.upper())
            jobs.task_done()

    for _ in range(4):
        threading.Thread(target=worker, daemon=True).start()
    for token in tokens:
        jobs.put(token)
    jobs.join()
    return [results.get() for _ in tokens]


class Consumer:
    def __init__(self):
        self._inbox = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        while True:  # error: CTX404
            message = self._inbox.get()
            if message is None:
                return
            print(message)

    def send(self, message):
        self._inbox.put(message)


class TerminatedWorker:
    """A dedicated sentinel object exists to be sent (sentry's BackgroundWorker sends its
    `_TERMINATOR` from `kill()`, possibly through another module)."""

    TERMINATOR = object()

    def __init__(self):
        self._inbox = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        while True:
            message = self._inbox.get()
            if message is self.TERMINATOR:
                return
            print(message)


# --- not reported ---------------------------------------------------------------------


class StoppableConsumer:
    def __init__(self):
        self._inbox = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        while True:
            message = self._inbox.get()
            if message is None:
                return
            print(message)

    def stop(self):
        self._inbox.put(None)


def pool(tokens, sink):
    jobs = queue.Queue()

    def worker():
        while True:
            item = jobs.get()
            if item is None:
                break
            sink(item)

    threading.Thread(target=worker).start()
    hand_over(jobs)  # another module may send the sentinel
    return tokens


def hand_over(jobs):
    pass


def poll(stop: threading.Event):
    inbox = queue.Queue()

    def worker():
        while True:
            try:
                item = inbox.get(timeout=1)
            except queue.Empty:
                if stop.is_set():
                    return
                continue
            print(item)

    threading.Thread(target=worker).start()


def listen(address):
    def reader():
        connection = Client(address)
        while True:
            try:
                message = connection.recv()
            except EOFError:  # the peer closed the connection: the way this reader stops
                break
            print(message)

    threading.Thread(target=reader).start()


_SHUTDOWN = "shutdown"


class Forwarder:
    """prefect's subprocess message forwarder: the queue is an attribute read into a local,
    the sentinel is sent by `stop()` through another local, and a closed multiprocessing
    queue makes `get()` raise EOFError/OSError."""

    def __init__(self, queue_factory):
        self._messages = queue_factory()
        threading.Thread(target=self._forward, daemon=True).start()

    def _forward(self):
        messages = self._messages
        while True:
            try:
                item = messages.get()
            except (EOFError, OSError):
                return
            if item == _SHUTDOWN:
                return
            print(item)

    def stop(self):
        messages = self._messages
        messages.put_nowait(_SHUTDOWN)
