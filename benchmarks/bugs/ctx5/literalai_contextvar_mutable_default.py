# source: Chainlit/literalai-python#161 (fix: commit 89e4908 "fix: thread/step concurrency")
# bug: the stack of active steps is a ContextVar with default=[]; every context that never set it gets the same list, and Step.start() appends to it in place, so concurrent runs see each other's steps as parents and steps land in the wrong threads
# fix: default=None and build a new list on every push/pop (var.set((var.get() or []) + [step]))
from contextvars import ContextVar
from typing import List, Optional

active_steps_var = ContextVar("active_steps", default=[])  # expect: CTX5
active_thread_var: ContextVar[Optional[str]] = ContextVar("active_thread", default=None)


class Step:
    def __init__(self, name: str, step_id: str) -> None:
        self.name = name
        self.id = step_id
        self.parent_id: Optional[str] = None

    def start(self) -> None:
        active_steps: List["Step"] = active_steps_var.get()
        if len(active_steps) > 0:
            self.parent_id = active_steps[-1].id
        active_steps.append(self)
        active_steps_var.set(active_steps)

    def end(self) -> None:
        active_steps = active_steps_var.get()
        active_steps.remove(self)
        active_steps_var.set(active_steps)
