# source: langgenius/dify#35773 (bug report, closed; proposed fix PR #35775 "reset ContextVar tokens when leaving ExecutionContext")
# bug: ExecutionContext.enter() replays a captured snapshot into the worker thread with var.set(value) in a loop and keeps none of the tokens; leaving the `with` never restores the thread's previous values, so each node run on a pooled worker leaks the snapshot into the next one
# fix: collect the token of every set() and reset them in reverse order in finally
import contextvars
from contextlib import contextmanager
from typing import Dict, Iterator


def capture_current_context() -> "ExecutionContext":
    return ExecutionContext({var: value for var, value in contextvars.copy_context().items()})


class ExecutionContext:
    def __init__(self, context_vars: Dict[contextvars.ContextVar, object]) -> None:
        self._context_vars = context_vars

    @contextmanager
    def enter(self) -> Iterator[None]:
        for var, value in self._context_vars.items():
            var.set(value)  # expect: CTX5
        yield

    def __enter__(self) -> "ExecutionContext":
        for var, value in self._context_vars.items():
            var.set(value)  # expect: CTX5
        return self

    def __exit__(self, *exc) -> None:
        return None


class Worker:
    def __init__(self, execution_context: ExecutionContext) -> None:
        self.execution_context = execution_context

    def run_node(self, node) -> None:
        with self.execution_context:
            node.run()
