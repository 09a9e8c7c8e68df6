"""A UTF-8 BOM is kept: café."""

import threading


def start(job, value):
    threading.Thread(target=job, args=(value,)).start()
