# source: hydrusnetwork/hydrus#750 (fixed version, commit 3b0de59)
# bug: none: the pooled worker polls its queue with a timeout and goes back to the shutdown check on queue.Empty
# fix: (this is the fixed code)
# expect: none
import queue
import threading
import traceback


class ShutdownException(Exception):
    pass


class CallToThread(threading.Thread):
    def __init__(self, controller, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._controller = controller
        self._queue: queue.Queue = queue.Queue()

    def put(self, fn, *args, **kwargs) -> None:
        self._queue.put((fn, args, kwargs))

    def run(self) -> None:
        while True:
            if self._controller.is_shutting_down():
                return
            try:
                fn, args, kwargs = self._queue.get(timeout=1.0)
            except queue.Empty:
                continue
            try:
                fn(*args, **kwargs)
            except ShutdownException:
                return
            except Exception:
                traceback.print_exc()
