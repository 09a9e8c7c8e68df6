# ThreadingInstrumentor carries the OpenTelemetry context into Thread, Timer and
# ThreadPoolExecutor.submit, and the project defines no ContextVar of its own.
import _thread
import threading
from concurrent.futures import ThreadPoolExecutor


def work():
    pass


def handle():
    threading.Thread(target=work).start()
    with ThreadPoolExecutor() as pool:
        pool.submit(work)
    _thread.start_new_thread(work, ())  # error: CTX201
