# ThreadingInstrumentor carries the OpenTelemetry context into Thread, Timer and
# ThreadPoolExecutor.submit, and the work needs nothing else.
import _thread
import threading
from concurrent.futures import ThreadPoolExecutor

from opentelemetry import trace


def work():
    trace.get_current_span().add_event("working")


def handle():
    threading.Thread(target=work).start()
    with ThreadPoolExecutor() as pool:
        pool.submit(work)
    _thread.start_new_thread(work, ())  # error: CTX201
