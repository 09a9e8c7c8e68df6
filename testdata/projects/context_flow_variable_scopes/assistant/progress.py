import logging
from contextvars import ContextVar

_sink = ContextVar("progress_sink", default=None)


class ProgressHandler(logging.Handler):
    """Forwards the log lines of a chat turn to its client."""

    def emit(self, record):
        sink = _sink.get()
        if sink is not None:
            sink(self.format(record))


def set_sink(sink):
    return _sink.set(sink)


def reset_sink(token):
    _sink.reset(token)


logging.getLogger().addHandler(ProgressHandler())
