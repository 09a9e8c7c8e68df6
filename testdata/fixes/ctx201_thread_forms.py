"""CTX201 fixes: every Thread, Timer and _thread form that has one."""

import _thread
import threading
from contextvars import ContextVar
from threading import Thread, Timer

request_id = ContextVar("request_id", default="-")


def audit(event, user=None):
    print(request_id.get(), event, user)


def handle(request, extra):
    threading.Thread(target=audit).start()
    threading.Thread(target=audit, args=(request.id,)).start()
    threading.Thread(target=audit, args=[request.id, request.user]).start()
    threading.Thread(target=audit, args=extra, daemon=True).start()
    threading.Thread(target=audit, kwargs={"user": request.user}, name="audit").start()
    Thread(target=audit, args=()).start()
    worker = Thread(
        name="audit",
        target=audit,  # the callable
        args=extra,
        daemon=True,
    )
    worker.start()
    threading.Timer(5.0, audit).start()
    Timer(5.0, audit, args=(request.id,)).start()
    Timer(interval=5.0, function=audit, args=[request.id]).start()
    _thread.start_new_thread(audit, (request.id,))
    _thread.start_new_thread(audit, extra)
    # No fix: positional `group, target` is left to a human.
    threading.Thread(None, audit).start()
