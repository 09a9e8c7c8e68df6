"""Request-scoped context: the request id every log line carries."""

import contextvars

request_id = contextvars.ContextVar("request_id", default="-")


def log(message):
    print(f"[{request_id.get()}] {message}", flush=True)
