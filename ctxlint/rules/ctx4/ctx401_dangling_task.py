"""CTX401 dangling-task."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.ownership import uses
from ctxlint.analysis.syntax import (
    keyword,
    positional,
    source,
)
from ctxlint.rules.base import WholeName
from ctxlint.rules.ctx4.shared import OwnedValueRule
from ctxlint.semantics import cancellation as sem


class DanglingTask(OwnedValueRule):
    """## What it does
    Reports a task created by `asyncio.create_task`, `asyncio.ensure_future` or
    `loop.create_task` whose result is discarded, or bound to a local name that is never
    awaited, cancelled, stored, passed on or given a done callback; tasks created inline in
    the argument of `asyncio.wait(...)` with a `timeout` or a `return_when` other than
    `ALL_COMPLETED` whose `pending` set is then dropped; and a task factory (or a lambda
    returning a new task) given as the callback of `call_soon`, `call_soon_threadsafe`,
    `call_later`, `call_at`, `add_signal_handler`, `add_reader`/`add_writer` or
    `add_done_callback`, which call it and throw the task away. Not a shutdown sentinel: a
    coroutine of this module whose `try` only sleeps forever (`sleep(math.inf)`,
    `sleep_forever()`) until `asyncio.run` cancels it at exit.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task. A task nobody references can be
    garbage collected while it waits: its work silently stops half-way (the coroutine is
    closed, "Task was destroyed but it is pending!" is logged), its exception is never
    seen, and nobody can cancel it or wait for it at shutdown.
    """

    code = "CTX401"
    name = "dangling-task"
    triggers = (WholeName("create_task"), WholeName("ensure_future"))
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
    cannot be resolved. Inline tasks in `asyncio.wait([...])` without a timeout or
    `return_when` are not reported (`wait` returns only when all are done; ruff's RUF006
    fixture agrees), nor when the `pending` result is used in any way; tasks created
    earlier and passed to `wait` by name follow the ownership rule. Callback schedulers are
    matched by method name on any receiver. The message suggests `asyncio.TaskGroup` only
    from target-version py311 on.
    """

    def visit_Call(self, node: cst.Call) -> None:
        self._check_scheduled_factory(node)
        factory = self._factory(node)
        if factory is None:
            return
        remedy = "keep a reference (add it to a set and discard it in a done callback)"
        if self.context.target_version >= sem.TASK_GROUP_SINCE:
            remedy += " or create it in an `asyncio.TaskGroup`"
        created = f"`{factory}({self._running(node)})`"
        waited = self._waited_with_pending_dropped(node)
        if waited is not None:
            self.report(
                node,
                f"The task from {created} is created inside `{waited}`, whose `pending` set is dropped: "
                f"if `wait` returns before it is done, it keeps running and nobody can cancel or await it; "
                f"keep the tasks and cancel the ones left in `pending`",
            )
            return
        scheduler = self._returned_to_a_scheduler(node)
        if scheduler is not None:
            self.report(
                node,
                f"The task from {created} is returned to `{scheduler}(...)`, which discards it: the event "
                f"loop keeps only a weak reference, so it can vanish mid-flight and nobody can cancel or "
                f"await it; {remedy}",
            )
            return
        name = self.unowned(node, sem.TASK_RELEASE_METHODS, sem.TASK_HANDLING_METHODS)
        if name is None or self._shutdown_sentinel(node):
            return
        if name:
            subject = f"Task `{name}` from {created} is never awaited, cancelled or stored"
        else:
            subject = f"The task from {created} is discarded"
        self.report(
            node,
            f"{subject}: the event loop keeps only a weak reference, so it can vanish mid-flight "
            f"and nobody can cancel or await it; {remedy}",
        )

    def _shutdown_sentinel(self, node: cst.Call) -> bool:
        """`create_task(on_exit(workers))` where `on_exit` (this module) only sleeps forever
        in a `try` and cleans up when cancelled (anyio's process-pool shutdown task): the
        sleep's timer holds the task, and `asyncio.run` cancels it at shutdown, which is the
        only thing it waits for."""
        coroutine = positional(node, 0)
        value = coroutine.value if coroutine is not None else None
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
            return False
        binding = self.model.lookup(value.func.value)
        function = binding.node if binding is not None else None
        if not isinstance(function, cst.FunctionDef) or function.asynchronous is None:
            return False
        statements = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
        for statement in statements:
            if isinstance(statement, (cst.Try, cst.TryStar)):
                inner = statement.body.body
                if len(inner) == 1 and isinstance(inner[0], cst.SimpleStatementLine) and len(inner[0].body) == 1:
                    expression = inner[0].body[0]
                    awaited = expression.value.expression if (
                        isinstance(expression, cst.Expr) and isinstance(expression.value, cst.Await)
                    ) else None
                    if isinstance(awaited, cst.Call) and self._sleeps_forever(awaited):
                        return True
            if not isinstance(statement, cst.SimpleStatementLine) or not all(
                (isinstance(s, cst.Expr) and isinstance(s.value, cst.SimpleString))
                or (isinstance(s, cst.AnnAssign) and s.value is None)
                for s in statement.body
            ):
                return False  # only a docstring or bare annotations may come before the `try`
        return False

    def _sleeps_forever(self, call: cst.Call) -> bool:
        path = self.model.resolve(call.func) or ""
        if path in sem.SLEEP_FOREVER:
            return True
        if path in sem.SLEEPS and call.args:
            delay = call.args[0].value
            return self.model.resolve(delay) == "math.inf" or source(delay) in sem.INFINITIES
        return False

    @staticmethod
    def _running(node: cst.Call) -> str:
        coroutine = positional(node, 0)
        if coroutine is None:
            return ""
        value = coroutine.value
        return f"{source(value.func)}(...)" if isinstance(value, cst.Call) else source(value)

    def _check_scheduled_factory(self, node: cst.Call) -> None:
        """`loop.call_soon_threadsafe(asyncio.create_task, coro)`: the loop calls the factory
        and throws the task away."""
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in sem.CALLBACK_SCHEDULERS:
            return
        callback = positional(node, sem.CALLBACK_SCHEDULERS[func.attr.value])
        if callback is None:
            return
        value = callback.value
        if isinstance(value, cst.Call) and self.model.resolve(value.func) == "functools.partial":
            first = positional(value, 0)
            value = first.value if first is not None else value
        factory = self._factory_reference(value)
        if factory is None:
            return
        self.report(
            node,
            f"`{source(func)}(...)` calls `{factory}` and discards the task it returns: the event loop "
            f"keeps only a weak reference, so the task can vanish mid-flight and nobody can cancel or await "
            f"it; schedule a function that keeps the task (add it to a set and discard it in a done callback)",
        )

    def _factory_reference(self, node: cst.BaseExpression) -> Optional[str]:
        """`asyncio.create_task` or `loop.create_task` named, not called."""
        path = self.model.resolve(node) or ""
        if path in sem.TASK_FACTORIES:
            return path
        if (
            isinstance(node, cst.Attribute)
            and node.attr.value == "create_task"
            and path[: -len(".create_task")] in sem.EVENT_LOOPS
        ):
            return source(node)
        return None

    def _returned_to_a_scheduler(self, node: cst.Call) -> Optional[str]:
        """`loop.add_signal_handler(sig, lambda: asyncio.create_task(stop()))`: the lambda's
        task goes back to a loop method that discards a callback's result."""
        ancestors = self.model.ancestors
        if len(ancestors) < 4:
            return None
        lam, arg, call = ancestors[-2], ancestors[-3], ancestors[-4]
        if not (isinstance(lam, cst.Lambda) and lam.body is node and isinstance(arg, cst.Arg)):
            return None
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return None
        method = call.func.attr.value
        if method not in sem.CALLBACK_SCHEDULERS or positional(call, sem.CALLBACK_SCHEDULERS[method]) is not arg:
            return None
        return source(call.func)

    def _waited_with_pending_dropped(self, node: cst.Call) -> Optional[str]:
        """`done, _ = await asyncio.wait([create_task(a()), create_task(b())], return_when=...)`:
        the tasks' only owner is `wait`, which hands the unfinished ones back in `pending`."""
        ancestors = self.model.ancestors
        index = len(ancestors) - 2
        parent = ancestors[index] if index >= 0 else None
        if isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp)) and parent.elt is node:
            index -= 1
        elif isinstance(parent, cst.Element) and isinstance(ancestors[index - 1], (cst.List, cst.Tuple, cst.Set)):
            index -= 2
        else:
            return None
        arg = ancestors[index] if index >= 0 else None
        call = ancestors[index - 1] if index >= 1 else None
        if not isinstance(arg, cst.Arg) or not isinstance(call, cst.Call) or positional(call, 0) is not arg:
            return None
        if self.model.resolve(call.func) != sem.WAIT:
            return None
        timeout, return_when = keyword(call, "timeout"), keyword(call, "return_when")
        early = None
        if return_when is not None and self.model.resolve(return_when.value) != sem.WAIT_ALL_COMPLETED:
            early = f"return_when={source(return_when.value).rpartition('.')[2]}"
        elif timeout is not None and not (isinstance(timeout.value, cst.Name) and timeout.value.value == "None"):
            early = "timeout=..."
        if early is None:
            return None  # waits for all of them (ruff's RUF006 fixture: fine)
        awaited = ancestors[index - 2] if index >= 2 else None
        statement = ancestors[index - 3] if index >= 3 else None
        if not isinstance(awaited, cst.Await):
            return None
        if not self._pending_dropped(statement, awaited):
            return None
        return f"{source(call.func)}(..., {early})"

    def _pending_dropped(self, statement: Optional[cst.CSTNode], awaited: cst.Await) -> bool:
        if isinstance(statement, cst.Expr):
            return True
        if not (isinstance(statement, cst.Assign) and statement.value is awaited and len(statement.targets) == 1):
            return False
        target = statement.targets[0].target
        if not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != 2:
            return False
        pending = target.elements[1].value
        if not isinstance(pending, cst.Name):
            return False
        function = self.model.function
        if pending.value == "_":
            return True
        # (`uses` counts the tuple target's own name: it is not an `AssignTarget`'s child)
        return function is not None and not any(u.node is not pending for u in uses(function.node, pending.value))

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
