"""CTX203 run-in-executor-without-context."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.contextflow import copying_executor, one_of_the_modules_copying_pools
from ctxlint.analysis.syntax import (
    is_none,
    positional,
    source,
)
from ctxlint.rules.base import Replacement
from ctxlint.rules.ctx2.shared import HOW_THE_WORK_IS_JUDGED, ContextCarryingRule, callable_label
from ctxlint.semantics import concurrency as sem


class RunInExecutorWithoutContext(ContextCarryingRule):
    """## What it does
    Reports `loop.run_in_executor(executor, f, ...)` when `f` does not run in a copied
    context and needs the caller's context (a ContextVar, the current span, Sentry's scope,
    context-aware logging, or the caller's own callable). Any executor counts but a process
    pool and the project's own context-propagating executors.

    ## Why is this bad?
    `run_in_executor` is `executor.submit(f)` underneath: the worker thread does not see
    the coroutine's contextvars or current span. `asyncio.to_thread` exists precisely to
    fix this: it copies the context (python/cpython#78195).
    """

    code = "CTX203"
    name = "run-in-executor-without-context"
    fix = "unsafe"
    triggers = ("run_in_executor",)
    example = """
    import asyncio

    import sentry_sdk

    def render(request):
        sentry_sdk.add_breadcrumb(message="rendering")
        return request.body

    async def handle(request):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, render, request)
    """
    use_instead = """
    import asyncio

    import sentry_sdk

    def render(request):
        sentry_sdk.add_breadcrumb(message="rendering")
        return request.body

    async def handle(request):
        return await asyncio.to_thread(render, request)
    """
    fix_doc = """
    Unsafe. When the executor is `None` and the call is awaited directly, the fix is
    `await asyncio.to_thread(f, ...)`; otherwise `contextvars.copy_context().run` is inserted
    before `f`.
    """
    known_limits = HOW_THE_WORK_IS_JUDGED + """
    An executor that is a parameter of no declared type is the caller's choice (it may
    copy the context, as langchain's `ContextThreadPoolExecutor` does): not judged. A
    project executor whose methods call `copy_context()`, or one named in
    `context-executors`, is trusted.
    """

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "run_in_executor"):
            return
        executor, function = positional(node, 0), positional(node, 1)
        if executor is None or function is None:
            return
        # Any executor but a process pool (CTX205) and the project's own executors that
        # copy the context (as langchain's ContextThreadPoolExecutor does).
        if not is_none(executor.value):
            if self.model.resolve(executor.value) == sem.PROCESS_POOL + "()":
                return
            if copying_executor(executor.value, self.context) is not None:
                return
            if self._callers_executor(executor.value) or one_of_the_modules_copying_pools(executor.value, self.context):
                return
        if self.covered(function.value):
            return
        verdict = self.judge(node, function.value, "run_in_executor")
        if verdict is None:
            return
        reason = verdict.reason
        name = callable_label(function.value, self.model)
        rest = ", ..." if positional(node, 2) is not None else ""
        remedy = f"pass `contextvars.copy_context().run, {name}{rest}`"
        if is_none(executor.value):
            remedy = f"use `await asyncio.to_thread({name}{rest})` or {remedy}"
        message = (
            f"`{source(func)}` runs `{name}` in a pool thread without the caller's context, but {reason}; {remedy}"
            f"{self.remedy_note()}"
        )
        self.report(node, message, fix=self._fix(node, executor, function), related=verdict.related)

    def _callers_executor(self, node: cst.BaseExpression) -> bool:
        """An executor the caller passed in (not declared a plain `ThreadPoolExecutor`): the
        caller chooses it and may well give one that copies the context (langchain's
        `ContextThreadPoolExecutor`)."""
        if not isinstance(node, cst.Name):
            return False
        binding = self.model.lookup(node.value)
        return (
            binding is not None and isinstance(binding.node, cst.Param) and binding.path != sem.THREAD_POOL + "()"
        )

    def _fix(self, node: cst.Call, executor: cst.Arg, function: cst.Arg) -> Replacement:
        awaited = isinstance(self.model.parent, cst.Await)
        rest = [arg for arg in node.args if arg is not executor]
        runner = self.context_runner()
        if is_none(executor.value) and awaited and all(a.keyword is None for a in rest):
            # `to_thread` copies the context itself; only the Sentry helper (if any) is added
            asyncio_name, imports = self.module_reference("asyncio")
            helpers = [cst.Arg(c) for c in runner.callables[1:]]
            fixed = cst.Call(cst.parse_expression(f"{asyncio_name}.to_thread"), args=[*helpers, *rest])
            extra = tuple(name for name in runner.imports if name != "contextvars")
            return Replacement(node, fixed, "unsafe", "Use `asyncio.to_thread`", imports + extra, runner.helpers)
        new_args = []
        for arg in node.args:
            if arg is function:
                new_args.extend(cst.Arg(c) for c in runner.callables)
            new_args.append(arg)
        return Replacement(
            node,
            node.with_changes(args=new_args),
            "unsafe",
            "Run through `contextvars.copy_context().run`",
            runner.imports,
            runner.helpers,
        )
