# source: bubbuild/bub#225 (fix: commit 3d9a4db "ContextVar cross-Context token error in ForkTapeStore.fork()")
# bug: fork() is an asynccontextmanager that sets three ContextVars and resets their tokens in finally; it is entered inside agent loops that are async generators or task-group children, and when those are cancelled or finalised the finally runs in another task's Context and reset() raises "Token was created in a different Context"
# fix: save the previous values and restore them with set() instead of reset(token)
# static: false — the set/try/yield/finally/reset in fork() is the correct idiom on its own; the bug is in which task exits the `async with`, which depends on the callers (an async generator closed from another task)
import contextlib
import contextvars
from typing import AsyncGenerator, Optional

current_store: contextvars.ContextVar = contextvars.ContextVar("current_store")
current_fork_tape: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("current_fork_tape", default=None)


class ForkTapeStore:
    def __init__(self, parent, make_store) -> None:
        self._parent = parent
        self._make_store = make_store

    @contextlib.asynccontextmanager
    async def fork(self, tape: str) -> AsyncGenerator[None, None]:
        store = self._make_store()
        token = current_store.set(store)  # expect: CTX5
        tape_token = current_fork_tape.set(tape)
        try:
            yield
        finally:
            current_store.reset(token)
            current_fork_tape.reset(tape_token)
            await self._parent.merge(tape, store)
