"""Request-scoped context: the request id every log line carries."""

import contextvars
import threading

request_id = contextvars.ContextVar("request_id", default="-")

# print() writes the message and the newline separately; without a lock, lines from the
# audit thread and the render pool can interleave.
_output_lock = threading.Lock()


def log(message):
    with _output_lock:
        print(f"[{request_id.get()}] {message}", flush=True)
