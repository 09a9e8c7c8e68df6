# A comment block at the top of the file stays on top.
import threading
from concurrent.futures import ThreadPoolExecutor


def start(job, pool: ThreadPoolExecutor):
    threading.Thread(target=job).start()
    return pool.submit(job)
