# (CTX201 is default since the tenth round of benchmarks/precision/ctx2.md)
# ctxlint: target-version = "py314"
# On 3.14 an explicit `context=` carries the context into the thread.
import contextvars
import threading


request_id = contextvars.ContextVar("request_id", default="-")


def work():
    print(request_id.get())


def handle():
    threading.Thread(target=work, context=contextvars.copy_context()).start()
    threading.Thread(target=work).start()  # error: CTX201
