# source: getsentry/sentry-python (sentry_sdk/scope.py new_scope(); see #4928)
# bug: none: a contextmanager that sets the scope ContextVar, yields to the caller's `with` body and resets the token in finally; the yield *is* the with-block, like use_span itself
# fix: (this is correct code)
# expect: none
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generator, Optional

_current_scope: ContextVar[Optional["Scope"]] = ContextVar("current_scope", default=None)


class Scope:
    def fork(self) -> "Scope":
        return Scope()


def get_current_scope() -> Scope:
    return _current_scope.get() or Scope()


@contextmanager
def new_scope() -> Generator[Scope, None, None]:
    forked = get_current_scope().fork()
    token = _current_scope.set(forked)
    try:
        yield forked
    finally:
        try:
            _current_scope.reset(token)
        except (LookupError, ValueError):
            pass
