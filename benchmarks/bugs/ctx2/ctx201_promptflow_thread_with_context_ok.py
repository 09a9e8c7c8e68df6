# source: microsoft/promptflow#1996 (commit 0601b8bf36bee33b837a18ec2404941174c0af32)
# expect: none
# bug: The fix: Thread/Timer subclasses that copy the context in __init__ (caller's thread) and set it in run(); the per-run monitor thread now uses one.
import contextvars
import logging
import threading
import time

_run_log_handler: contextvars.ContextVar = contextvars.ContextVar("run_log_handler", default=None)


class RunFileHandler(logging.Handler):
    def emit(self, record):
        handler = _run_log_handler.get()
        if handler is not None:
            handler.emit(record)


flow_logger = logging.getLogger("flow")
flow_logger.addHandler(RunFileHandler())


def set_context(context: contextvars.Context):
    for var, value in context.items():
        var.set(value)


class ThreadWithContextVars(threading.Thread):
    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        self._context = contextvars.copy_context()
        super().__init__(group=group, target=target, name=name, args=args, kwargs=kwargs, daemon=daemon)

    def run(self):
        set_context(self._context)
        super().run()


class RepeatLogTimer(threading.Timer):
    def __init__(self, interval_seconds, logger, message_function):
        self._logger = logger
        self._message_function = message_function
        self._context = contextvars.copy_context()
        super().__init__(interval_seconds, function=None)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.cancel()

    def run(self):
        set_context(self._context)
        while not self.finished.wait(self.interval):
            for message in self._message_function():
                self._logger.info(message)
        self.finished.set()


def watch_long_running(started_at, done):
    while not done.wait(60):
        flow_logger.info("node still running after %.0fs", time.time() - started_at)


def execute(nodes):
    done = threading.Event()
    monitor = ThreadWithContextVars(target=watch_long_running, args=(time.time(), done), daemon=True)
    monitor.start()
    try:
        with RepeatLogTimer(30, flow_logger, lambda: ["batch still running"]):
            return [node() for node in nodes]
    finally:
        done.set()
