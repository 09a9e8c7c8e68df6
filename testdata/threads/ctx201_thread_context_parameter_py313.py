# ctxlint: extend-select = ["CTX201", "CTX202", "CTX203"]  # preview rules
# ctxlint: target-version = "py313"
# `Thread(context=...)` only exists from Python 3.14.
import contextvars
import threading


def work():
    pass


def handle():
    threading.Thread(target=work, context=contextvars.copy_context()).start()  # error: CTX201
