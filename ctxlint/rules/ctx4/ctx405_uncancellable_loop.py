"""CTX405 uncancellable-loop."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    attribute_name,
)
from ctxlint.rules.base import ASYNC_DEF, AWAITLESS_LOOP, INFINITE_LOOP, Rule
from ctxlint.rules.ctx4.shared import exits, has_checkpoint, is_infinite


class UncancellableLoop(Rule):
    """## What it does
    Reports an infinite loop (`while True:`) in an `async def` that has no `await`,
    `async for` or `async with` in its body and no way out (`break`, `return`, `raise`).

    ## Why is this bad?
    A coroutine only gives control back to the event loop at an `await`. A loop without one
    never does: every other task, timer and I/O callback on the loop stops, and because
    cancellation is delivered at an `await`, the task cannot even be cancelled.
    """

    code = "CTX405"
    name = "uncancellable-loop"
    triggers = (INFINITE_LOOP,)
    requires = ((ASYNC_DEF,), (AWAITLESS_LOOP,))
    example = """
    import time

    async def heartbeat(state):
        while True:
            state.beat()
            time.sleep(5)
    """
    use_instead = """
    import asyncio

    async def heartbeat(state):
        while True:
            state.beat()
            await asyncio.sleep(5)
    """
    known_limits = """
    Only `while True:`/`while 1:` loops are checked. A `yield` in an async generator counts
    as a checkpoint (control goes back to the consumer). An `await` anywhere in the loop
    body counts, even on a branch that is rarely taken. A loop inside a `try` with `except`
    clauses, or inside `with pytest.raises(...)`/`assertRaises`/`suppress(...)`, is
    expected to end with an exception and is not reported.
    """

    def visit_While(self, node: cst.While) -> None:
        function = self.model.def_function
        if function is None or not function.is_async or self.model.function is not function:
            return
        if not is_infinite(node) or exits(node, self.model) or has_checkpoint(node):
            return
        if self._ended_by_an_exception(function):
            return
        self.report(
            node,
            f"The infinite loop in `async def {function.name}` never awaits and never exits: it blocks "
            f"the event loop and its task cannot be cancelled; await something in each iteration "
            f"(`await asyncio.sleep(...)`) or give it an exit",
        )


    def _ended_by_an_exception(self, function: Scope) -> bool:
        """The loop sits in a `try` with handlers or a `with pytest.raises(...)`/`assertRaises`/
        `suppress` block: its author expects a call in it to raise (`BlockingIOError`, ...)."""
        for ancestor in reversed(self.model.ancestors[:-1]):
            if ancestor is function.node:
                return False
            if isinstance(ancestor, (cst.Try, cst.TryStar)) and ancestor.handlers:
                return True
            if isinstance(ancestor, cst.With) and any(
                isinstance(item.item, cst.Call) and attribute_name(item.item.func) in _RAISES_CONTEXTS
                for item in ancestor.items
            ):
                return True
        return False

_RAISES_CONTEXTS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "suppress"})
