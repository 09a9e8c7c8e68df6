# (CTX201 is default since the tenth round of benchmarks/precision/ctx2.md)
# CTX201 regression (distributed's thread pools, `self._thread = thread = Thread(...)`):
# a thread stored on an object, directly or through a local name, is a service thread
# owned by that object. Not reported outside entry points.
import contextvars
import threading

from django.views import View


def _worker(pool, work_queue):
    item = work_queue.get()
    item.run()


class ThreadPool:
    def __init__(self):
        self._threads = set()
        self._named = {}
        self._ordered = []

    def _adjust_thread_count(self, work_queue):
        t = threading.Thread(target=_worker, args=(self, work_queue))
        t.daemon = True
        self._threads.add(t)
        t.start()

    def spawn_named(self, name, work_queue):
        t = threading.Thread(target=_worker, args=(self, work_queue))
        self._named[name] = t
        t.start()

    def spawn_ordered(self, work_queue):
        t = threading.Thread(target=_worker, args=(self, work_queue))
        self._ordered.append(t)
        t.start()


class ThreadWithException:
    def __init__(self, target):
        def wrapper():
            target()

        # the caller's callable: reported wherever the thread is kept
        self._thread = thread = threading.Thread(target=wrapper, daemon=True)  # error: CTX201
        thread.start()


# --- the thread stays with the request: still reported --------------------------------


request_id = contextvars.ContextVar("request_id", default="-")


def send_audit_log(entry):
    print(request_id.get(), entry)


def fan_out(request, entries):
    threads = []
    for entry in entries:
        t = threading.Thread(target=send_audit_log, args=(entry,))  # error: CTX201
        threads.append(t)  # a local list: joined below, within the request
        t.start()
    for t in threads:
        t.join()


def start_audit(request):
    t = threading.Thread(target=send_audit_log, args=(request,))  # error: CTX201
    t.start()
    return t


class OrderView(View):  # a Django view: its `post` handles a request
    _threads = []

    def post(self, request):
        t = threading.Thread(target=send_audit_log, args=(request,))  # error: CTX201
        self._threads.append(t)
        t.start()

    def get(self, request):
        # (what the view runs for a request: functions nothing calls would be a
        # framework's callbacks or dead code)
        fan_out(request, ["viewed"])
        return start_audit(request)
