# CTX206: Thread subclasses whose run() needs the context but never captures one.
import contextvars
import threading
from threading import Thread

from opentelemetry import trace

request_id = contextvars.ContextVar("request_id", default="-")
tracer = trace.get_tracer(__name__)


def upload_pending():
    print("uploading for", request_id.get())


class Uploader(threading.Thread):  # error: CTX206
    def run(self):
        upload_pending()


class Poller(Thread):  # error: CTX206
    def __init__(self):
        super().__init__(daemon=True)

    def run(self):
        ctx = contextvars.copy_context()  # copies the new thread's empty context
        ctx.run(upload_pending)


@staticmethod
def decorate(cls):
    return cls


@decorate
class Flusher(threading.Thread):  # error: CTX206
    def run(self):
        with tracer.start_as_current_span("flush"):  # a new trace: the caller's span is gone
            pass


class JobThread(threading.Thread):  # error: CTX206
    """Runs the callable it is given: whatever context that needs is lost."""

    def __init__(self, job):
        super().__init__()
        self.job = job

    def run(self):
        self.job()


# --- correct idioms: never reported -------------------------------------------------


class ContextUploader(threading.Thread):
    def start(self):
        self._context = contextvars.copy_context()
        super().start()

    def run(self):
        self._context.run(upload_pending)


class InitCaptured(threading.Thread):
    def __init__(self):
        super().__init__()
        self.ctx = contextvars.copy_context()

    def run(self):
        self.ctx.run(upload_pending)


class Compressor(threading.Thread):
    """Free work: files and computation need no request context."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def run(self):
        with open(self.path, "rb") as source:
            print(len(source.read()))


class NoRunOverride(threading.Thread):
    def stop(self):
        pass


class NotAThread:
    def run(self):
        upload_pending()
