import contextvars
import logging
from contextlib import contextmanager

_run_log_handler: contextvars.ContextVar = contextvars.ContextVar("run_log_handler", default=None)


class RunFileHandler(logging.Handler):
    """Writes each record to the file handler of the run that is current in this context."""

    def emit(self, record):
        handler = _run_log_handler.get()
        if handler is not None:
            handler.emit(record)


flow_logger = logging.getLogger("flow")
flow_logger.addHandler(RunFileHandler())


@contextmanager
def run_log(path):
    token = _run_log_handler.set(logging.FileHandler(path))
    try:
        yield
    finally:
        _run_log_handler.reset(token)
