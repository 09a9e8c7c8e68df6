# source: langchain-ai/langchain#32365 (fixed shape now in langchain_core/callbacks/usage.py)
# bug: none: one module-level ContextVar with default=None, registered once; the context manager resets its token in finally
# fix: (this is the fixed code)
# expect: none
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generator, Optional

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.tracers.context import register_configure_hook

_usage_metadata_callback_var: ContextVar[Optional[UsageMetadataCallbackHandler]] = ContextVar(
    "usage_metadata_callback", default=None
)
register_configure_hook(_usage_metadata_callback_var, inheritable=True)


@contextmanager
def get_usage_metadata_callback() -> Generator[UsageMetadataCallbackHandler, None, None]:
    cb = UsageMetadataCallbackHandler()
    token = _usage_metadata_callback_var.set(cb)
    try:
        yield cb
    finally:
        _usage_metadata_callback_var.reset(token)
