# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX404: thread and executor workers stuck in an endless loop around a blocking call.
import asyncio
import functools
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Listener

jobs = queue.Queue()
ready = threading.Event()


def consume():
    while True:  # error: CTX404
        job = jobs.get()
        job()


def wait_forever(name):
    while 1:  # error: CTX404
        ready.wait()
        print(name)
        ready.clear()


class Poller(threading.Thread):
    def __init__(self, connection):
        super().__init__(daemon=True)
        self.connection = connection

    def run(self):
        while True:  # error: CTX404
            message = self.connection.recv()
            print(message)


class Dispatcher:
    def __init__(self):
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor()

    def start(self):
        self._pool.submit(self._loop)  # error: CTX407

    def _loop(self):
        while True:  # error: CTX404
            self._lock.acquire()
            try:
                print("tick")
            finally:
                self._lock.release()


def serve(address):
    listener = Listener(address)

    def accept_loop():
        while True:  # error: CTX404
            connection = listener.accept()
            connection.send("hello")

    threading.Thread(target=accept_loop).start()


def start_workers():
    threading.Thread(target=consume, daemon=True).start()
    threading.Thread(target=functools.partial(wait_forever, "w")).start()


async def start_in_executor():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, drain)


def drain():
    while True:  # error: CTX404
        item = jobs.get(block=True)
        print(item)


# --- correct idioms: never reported -------------------------------------------------


def consume_until_sentinel():
    while True:
        job = jobs.get()
        if job is None:
            break
        job()


def consume_with_timeout(stop: threading.Event):
    while True:
        try:
            job = jobs.get(timeout=1)
        except queue.Empty:
            if stop.is_set():
                return
            continue
        job()


def consume_until_stopped(stop: threading.Event):
    while not stop.is_set():  # not an infinite loop: the flag ends it
        job = jobs.get()
        job()


def never_started_as_a_thread():
    while True:  # runs in the caller's thread; not a worker
        job = jobs.get()
        job()


def dictionary_lookups(table):
    while True:
        value = table.get("key")  # dict.get with an argument does not block
        print(value)


def start_others():
    threading.Thread(target=consume_until_sentinel).start()
    threading.Thread(target=consume_with_timeout, args=(threading.Event(),)).start()
    threading.Thread(target=consume_until_stopped, args=(threading.Event(),)).start()
    threading.Thread(target=dictionary_lookups, args=({},)).start()


class Pump(threading.Thread):
    def run(self):
        while True:
            item = jobs.get()
            if item is None:
                return
            print(item)
