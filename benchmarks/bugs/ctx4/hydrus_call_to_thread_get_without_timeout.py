# source: hydrusnetwork/hydrus#750 (fix: commit 3b0de59, Version 424: get(1.0) + `except queue.Empty: continue`)
# bug: the pooled worker thread checks for shutdown, then blocks in self._queue.get() with no timeout; if it wakes with an empty queue it can never observe shutdown again and the thread never stops
# fix: poll with self._queue.get(timeout) and loop back to the shutdown check on queue.Empty
import queue
import threading
import traceback


class ShutdownException(Exception):
    pass


def check_if_shutting_down(controller) -> None:
    if controller.is_shutting_down():
        raise ShutdownException()


class CallToThread(threading.Thread):
    def __init__(self, controller, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._controller = controller
        self._queue: queue.Queue = queue.Queue()
        self._event = threading.Event()
        self.currently_working = True

    def put(self, fn, *args, **kwargs) -> None:
        self.currently_working = True
        self._queue.put((fn, args, kwargs))
        self._event.set()

    def run(self) -> None:
        try:
            while True:  # expect: CTX404
                while self._queue.empty():
                    check_if_shutting_down(self._controller)
                    self._event.wait(10.0)
                    self._event.clear()
                check_if_shutting_down(self._controller)
                try:
                    fn, args, kwargs = self._queue.get()
                    fn(*args, **kwargs)
                except ShutdownException:
                    return
                except Exception:
                    traceback.print_exc()
                finally:
                    self.currently_working = False
        except ShutdownException:
            return
