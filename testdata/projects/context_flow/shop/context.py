import contextvars

import structlog

request_id = contextvars.ContextVar("request_id", default="-")

structlog.configure(processors=[structlog.contextvars.merge_contextvars, structlog.processors.JSONRenderer()])


def current_request():
    return request_id.get()
