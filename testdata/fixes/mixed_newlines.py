"""Mixed line endings: each line keeps its own; the added import takes the first one."""

import threading


def start(job):
    threading.Thread(target=job).start()
