# The instrumentor carries only the OpenTelemetry context, not the project's ContextVars.
import threading
from concurrent.futures import ThreadPoolExecutor


def work():
    pass


def handle():
    threading.Thread(target=work).start()  # error: CTX201
    with ThreadPoolExecutor() as pool:
        pool.submit(work)  # error: CTX202
