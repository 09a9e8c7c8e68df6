# ctxlint: extend-select = ["CTX2"]  # CTX201 is preview
# CTX201: threads started without a copied context.
import _thread
import contextvars
import functools
import threading
from threading import Thread as T
from threading import Timer

request_id = contextvars.ContextVar("request_id", default="-")


def send_audit_log(entry):
    print(request_id.get(), entry)


def handle(request):
    threading.Thread(target=send_audit_log, args=(request,)).start()  # error: CTX201
    T(target=send_audit_log, args=(request,)).start()  # error: CTX201
    Timer(5.0, send_audit_log, args=[request]).start()  # error: CTX201
    _thread.start_new_thread(send_audit_log, (request,))  # error: CTX201
    worker = threading.Thread(  # error: CTX201
        target=lambda: send_audit_log(request),  # the lambda itself runs with no context
        daemon=True,
    )
    worker.start()


def handle_with_local_import(request):
    import threading as th

    th.Thread(target=send_audit_log, args=(request,)).start()  # error: CTX201


# --- correct idioms: never reported -------------------------------------------------


def handle_copied(request):
    ctx = contextvars.copy_context()
    threading.Thread(target=ctx.run, args=(send_audit_log, request)).start()
    threading.Thread(target=contextvars.copy_context().run, args=(send_audit_log, request)).start()
    threading.Thread(target=functools.partial(ctx.run, send_audit_log, request)).start()
    threading.Thread(target=lambda: ctx.run(send_audit_log, request)).start()

    def run_in_context():
        return ctx.run(send_audit_log, request)

    threading.Thread(target=run_in_context).start()


def no_target():
    threading.Thread().start()
    threading.Thread(target=None).start()


class Service:
    def __init__(self):
        self._context = contextvars.copy_context()

    def start(self):
        threading.Thread(target=self._context.run, args=(send_audit_log, "x")).start()


def copies_too_late(request):
    # copy_context() inside the lambda runs in the new thread and copies its empty context
    threading.Thread(target=lambda: contextvars.copy_context().run(send_audit_log, request)).start()  # error: CTX201


class FlushService:
    """Regression (sentry-sdk, celery beat, anyio): a service thread owned by an object."""

    def __init__(self):
        self._thread = threading.Thread(target=self._flush_loop, daemon=True)

    def _flush_loop(self):
        pass


class Handler:
    def __init__(self, app):
        self.app = app

    def on_post(self, req, resp):  # a Falcon responder: a request context exists
        self._audit = threading.Thread(target=send_audit_log, args=(req,))  # error: CTX201
        self._audit.start()
