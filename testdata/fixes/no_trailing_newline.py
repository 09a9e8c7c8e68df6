import threading


def start(job):
    threading.Thread(target=job).start()