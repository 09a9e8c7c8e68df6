# ctxlint: extend-select = ["CTX2"]  # CTX201 is preview
# ctxlint: target-version = "py313"
# `Thread(context=...)` only exists from Python 3.14.
import contextvars
import threading


request_id = contextvars.ContextVar("request_id", default="-")


def work():
    print(request_id.get())


def handle():
    threading.Thread(target=work, context=contextvars.copy_context()).start()  # error: CTX201
