"""CTX503 contextvar-not-reset."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.entrypoints import entry_point_reason
from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    positional,
    source,
)
from ctxlint.rules.base import FileContext, Rule
from ctxlint.rules.ctx5.shared import (
    bound_names,
    escapes,
    function_node,
    protected,
    release_calls,
)
from ctxlint.semantics import concurrency
from ctxlint.semantics import lifecycle as sem


class ContextVarNotReset(Rule):
    """## What it does
    Reports `var.set(...)` on a `contextvars.ContextVar` inside a synchronous entry point
    (a request handler, a task) or a function run by a thread pool (or in the loop of a
    thread target) without `var.reset(token)` in a `finally`.

    ## Why is this bad?
    Synchronous handlers run on reused threads (WSGI worker pools, Celery workers,
    `ThreadPoolExecutor`). Each thread keeps one context for its whole life, so a value set
    for one request is still there for the next request or job on that thread: request ids,
    tenants and users leak across requests.
    """

    code = "CTX503"
    name = "contextvar-not-reset"
    triggers = ("ContextVar",)
    requires = (("set",),)
    example = """
    import contextvars

    from celery import shared_task

    tenant = contextvars.ContextVar("tenant")

    @shared_task
    def rebuild_index(tenant_id):
        tenant.set(tenant_id)
        rebuild()
    """
    use_instead = """
    import contextvars

    from celery import shared_task

    tenant = contextvars.ContextVar("tenant")

    @shared_task
    def rebuild_index(tenant_id):
        token = tenant.set(tenant_id)
        try:
            rebuild()
        finally:
            tenant.reset(token)
    """
    known_limits = """
    Only ContextVars this file defines (or annotates) are followed. Entry points are those
    of ctxlint's entry-point detection; async handlers are skipped (each request runs in its
    own task with a copied context), and so are FastAPI/Starlette `def` endpoints (run in a
    copied context by `run_in_threadpool`). Django views are reported whatever the server
    (under ASGI they run in a copied context too). Thread targets
    (`Thread(target=f)`) count only when the `set` is inside a loop of `f`: a one-shot
    thread's context dies with it. A token handed off (stored, returned, passed on) counts
    as reset by its new owner; a `reset` in an `except` handler counts as protected.
    `with var.set(value):` (Python 3.14) resets on exit.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._thread_targets: set[tuple[bool, str]] = set()
        self._executor_targets: set[tuple[bool, str]] = set()
        # (function scope, set call, message tail, related, inside a loop)
        self._pending: list[tuple[Scope, cst.Call, str, list, bool]] = []

    def visit_Call(self, node: cst.Call) -> None:
        self._record_target(node)
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == sem.CONTEXT_VAR_SET):
            return
        if self.model.resolve(func.value) != sem.CONTEXT_VAR + "()":
            return
        scope = self.model.function
        function = function_node(self.model)
        if scope is None or function is None or scope.is_async:
            return
        problem = self._problem(node, function)
        if problem is None:
            return
        tail, related = problem
        reason = entry_point_reason(scope, self.model, self.context.settings, self.context.path)
        # A span decorator gives a parent span, not a reused request thread.
        if reason is not None and not reason.startswith("span-decorated"):
            if not any(path.split(".")[0] in sem.CONTEXT_COPYING_FRAMEWORKS for path in scope.decorators):
                self._report(node, reason, tail, related)
            return
        in_loop = False
        for ancestor in reversed(self.model.ancestors):
            if ancestor is function:
                break
            in_loop = in_loop or isinstance(ancestor, (cst.For, cst.While))
        self._pending.append((scope, node, tail, related, in_loop))

    def leave_Module(self, node: cst.Module) -> None:
        for scope, call, tail, related, in_loop in self._pending:
            key = (scope.enclosing_class is not None, scope.name)
            if key in self._executor_targets:
                self._report(call, f"thread-pool target `{scope.name}`", tail, related)
            elif key in self._thread_targets and in_loop:
                self._report(call, f"the loop of thread target `{scope.name}`", tail, related)

    def _report(self, node: cst.Call, reason: str, tail: str, related: list) -> None:
        receiver = source(node.func.value)  # type: ignore[attr-defined]
        self.report(node, f"`{receiver}.set(...)` in {reason} " + tail.format(var=receiver), related=related)

    def _problem(self, node: cst.Call, function: cst.FunctionDef) -> Optional[tuple[str, list]]:
        """(message tail, related locations) when the value is not reset in a `finally`."""
        never = (
            "is never reset: the thread is reused, so the value may leak into the next request or job "
            "on it; keep `token = {var}.set(...)` and call `{var}.reset(token)` in a `finally`"
        )
        parent = self.model.parent
        if isinstance(parent, cst.WithItem):
            return None  # Python 3.14: the token is a context manager that resets on exit
        if isinstance(parent, cst.Expr):
            return never, []
        names = bound_names(parent, node)
        if not names or escapes(function, names):
            return None
        resets = release_calls(function, names, lambda call: attribute_name(call.func) == sem.CONTEXT_VAR_RESET)
        if resets is None:
            return None
        if not resets:
            return never, []
        if protected(function, resets):
            return None
        return (
            "is reset outside a `finally`: if the code in between raises, the value may leak into the "
            "next request or job on this reused thread; call `{var}.reset(token)` in a `finally`",
            [(resets[0], "reset here, not in a `finally`")],
        )

    def _record_target(self, node: cst.Call) -> None:
        func = node.func
        path = self.model.resolve(func)
        spec = concurrency.THREAD_STARTERS.get(path or "")
        if spec is not None:
            target, targets = argument(node, *spec), self._thread_targets
        elif isinstance(func, cst.Attribute) and func.attr.value in concurrency.EXECUTOR_METHODS:
            if self.model.resolve(func.value) != concurrency.THREAD_POOL + "()":
                return
            target, targets = positional(node, 0), self._executor_targets
        elif isinstance(func, cst.Attribute) and func.attr.value == "run_in_executor":
            executor = positional(node, 0)
            if executor is None or self.model.resolve(executor.value) == concurrency.PROCESS_POOL + "()":
                return
            target, targets = positional(node, 1), self._executor_targets
        else:
            return
        key = self._target_key(target.value) if target is not None else None
        if key is not None:
            targets.add(key)

    def _target_key(self, node: cst.CSTNode) -> Optional[tuple[bool, str]]:
        """(is a method, name) of the function a thread runs; `ctx.run` targets are not followed."""
        if isinstance(node, cst.Name):
            return False, node.value
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
            return True, node.attr.value
        if isinstance(node, cst.Call) and self.model.resolve(node.func) == concurrency.PARTIAL:
            first = positional(node, 0)
            return self._target_key(first.value) if first is not None else None
        return None
