# ctxlint: preview
# CTX206: Thread subclasses that override run() without capturing a context.
import contextvars
import threading
from threading import Thread


class Uploader(threading.Thread):  # error: CTX206
    def run(self):
        pass


class Poller(Thread):  # error: CTX206
    def __init__(self):
        super().__init__(daemon=True)

    def run(self):
        ctx = contextvars.copy_context()  # copies the new thread's empty context
        ctx.run(print)


@staticmethod
def decorate(cls):
    return cls


@decorate
class Flusher(threading.Thread):  # error: CTX206
    def run(self):
        pass


# --- correct idioms: never reported -------------------------------------------------


class ContextUploader(threading.Thread):
    def start(self):
        self._context = contextvars.copy_context()
        super().start()

    def run(self):
        self._context.run(print)


class InitCaptured(threading.Thread):
    def __init__(self):
        super().__init__()
        self.ctx = contextvars.copy_context()

    def run(self):
        self.ctx.run(print)


class NoRunOverride(threading.Thread):
    def stop(self):
        pass


class NotAThread:
    def run(self):
        pass
