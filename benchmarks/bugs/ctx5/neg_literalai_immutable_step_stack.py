# source: Chainlit/literalai-python#161 (fixed version, commit 89e4908)
# bug: none: the step stack ContextVar defaults to None and every push/pop sets a new list, so no list object is shared between contexts
# fix: (this is the fixed code)
# expect: none
from contextvars import ContextVar
from typing import List, Optional

active_steps_var: ContextVar[Optional[List["Step"]]] = ContextVar("active_steps", default=None)


class Step:
    def __init__(self, step_id: str) -> None:
        self.id = step_id
        self.parent_id: Optional[str] = None

    def start(self) -> None:
        active_steps = active_steps_var.get()
        if active_steps:
            self.parent_id = active_steps[-1].id
        active_steps_var.set((active_steps_var.get() or []) + [self])

    def end(self) -> None:
        active_steps = active_steps_var.get() or []
        active_steps_var.set([s for s in active_steps if s.id != self.id])
