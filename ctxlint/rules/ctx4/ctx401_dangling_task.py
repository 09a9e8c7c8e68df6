"""CTX401 dangling-task."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import (
    positional,
    source,
)
from ctxlint.rules.ctx4.shared import OwnedValueRule
from ctxlint.semantics import cancellation as sem


class DanglingTask(OwnedValueRule):
    """## What it does
    Reports a task created by `asyncio.create_task`, `asyncio.ensure_future` or
    `loop.create_task` whose result is discarded, or bound to a local name that is never
    awaited, cancelled, stored, passed on or given a done callback.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task. A task nobody references can be
    garbage collected while it waits: its work silently stops half-way (the coroutine is
    closed, "Task was destroyed but it is pending!" is logged), its exception is never
    seen, and nobody can cancel it or wait for it at shutdown.
    """

    code = "CTX401"
    name = "dangling-task"
    triggers = ("create_task", "ensure_future")
    modules = ("asyncio",)
    example = """
    import asyncio

    async def handle(request):
        asyncio.create_task(send_audit_log(request))
        return "ok"
    """
    use_instead = """
    import asyncio

    background_tasks = set()

    async def handle(request):
        task = asyncio.create_task(send_audit_log(request))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
        return "ok"
    """
    known_limits = """
    Ownership follows the SPEC's transfer rule, not data flow: any use of the name that
    hands the task on (`await`, a call argument, a container, an attribute, `return`,
    `cancel()`, `add_done_callback`) counts, even on one branch only. A task rebound in a
    loop whose last value alone is awaited is not reported. `TaskGroup.create_task` is never
    reported (the group holds its tasks); neither is `loop.create_task` on a loop that
    cannot be resolved. The message suggests `asyncio.TaskGroup` only from target-version
    py311 on.
    """

    def visit_Call(self, node: cst.Call) -> None:
        factory = self._factory(node)
        if factory is None:
            return
        name = self.unowned(node, sem.TASK_RELEASE_METHODS, sem.TASK_HANDLING_METHODS)
        if name is None:
            return
        remedy = "keep a reference (add it to a set and discard it in a done callback)"
        if self.context.target_version >= sem.TASK_GROUP_SINCE:
            remedy += " or create it in an `asyncio.TaskGroup`"
        coroutine = positional(node, 0)
        running = ""
        if coroutine is not None:
            value = coroutine.value
            running = f"{source(value.func)}(...)" if isinstance(value, cst.Call) else source(value)
        created = f"`{factory}({running})`"
        if name:
            subject = f"Task `{name}` from {created} is never awaited, cancelled or stored"
        else:
            subject = f"The task from {created} is discarded"
        self.report(
            node,
            f"{subject}: the event loop keeps only a weak reference, so it can vanish mid-flight "
            f"and nobody can cancel or await it; {remedy}",
        )

    def _factory(self, node: cst.Call) -> Optional[str]:
        path = self.model.resolve(node.func) or ""
        if path in sem.TASK_FACTORIES:
            return path
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "create_task"
            and path[: -len(".create_task")] in sem.EVENT_LOOPS
        ):
            return f"{source(func.value)}.create_task"
        return None
