# source: langchain-ai/langchain#32365 ("prevent memory leak in get_usage_metadata_callback"; upstream now declares the var once at module level)
# bug: every `with get_usage_metadata_callback():` creates a new ContextVar and registers it as a configure hook, so the hook list and the contexts holding the vars grow for the life of the process; the var is also cleared with set(None) instead of reset, and not in finally
# fix: one module-level ContextVar registered once; token = var.set(cb); try: yield cb; finally: var.reset(token)
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generator, Optional

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.tracers.context import register_configure_hook


@contextmanager
def get_usage_metadata_callback(
    name: str = "usage_metadata_callback",
) -> Generator[UsageMetadataCallbackHandler, None, None]:
    var: ContextVar[Optional[UsageMetadataCallbackHandler]] = ContextVar(name, default=None)  # expect: CTX504
    register_configure_hook(var, inheritable=True)
    cb = UsageMetadataCallbackHandler()
    var.set(cb)
    yield cb
    var.set(None)
