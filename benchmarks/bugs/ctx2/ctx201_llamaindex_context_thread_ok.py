# source: run-llama/llama_index#13700 (the fix: llama_index.core.types.Thread)
# expect: none
# bug: A Thread subclass that wraps the target in copy_context().run at construction, in the caller's thread; stream_chat uses it for the history writer.
from contextvars import copy_context
from functools import partial
import threading

from opentelemetry import trace

tracer = trace.get_tracer("chat")


class Thread(threading.Thread):
    """A threading.Thread that runs its target in a copy of the creator's context."""

    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        if target is not None:
            args = (partial(target, *args, **(kwargs if isinstance(kwargs, dict) else {})),)
        else:
            args = ()
        super().__init__(group=group, target=copy_context().run, name=name, args=args, daemon=daemon)


class HistoryWriter:
    def write(self, chunks, history):
        with tracer.start_as_current_span("chat.write_history"):
            history.append("".join(chunks))


class ChatSession:
    def __init__(self):
        self._history = []
        self._writer = HistoryWriter()

    def stream_chat(self, chunks):
        with tracer.start_as_current_span("chat.stream"):
            worker = Thread(target=self._writer.write, args=(chunks, self._history))
            worker.start()
            return worker
