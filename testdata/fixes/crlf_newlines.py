"""CRLF line endings are kept, including in the added import."""

import threading


def start(job, value):
    threading.Thread(target=job, args=(value,)).start()
