import sys
from contextvars import ContextVar
from typing import Optional

from loguru import logger

trace_id: ContextVar[Optional[str]] = ContextVar("trace_id", default=None)


class TraceIdFilter:
    """loguru runs it for every message, in the thread that logs it."""

    def __call__(self, record) -> bool:
        record["extra"]["trace_id"] = trace_id.get()
        return True


def setup_logging() -> None:
    logger.remove()
    logger.add(sys.stderr, format="{extra[trace_id]} {message}", filter=TraceIdFilter())
