# ctxlint: extend-select = ["CTX201", "CTX202", "CTX203"]  # preview rules
# ctxlint: target-version = "py314"
# On 3.14 an explicit `context=` carries the context into the thread.
import contextvars
import threading


def work():
    pass


def handle():
    threading.Thread(target=work, context=contextvars.copy_context()).start()
    threading.Thread(target=work).start()  # error: CTX201
