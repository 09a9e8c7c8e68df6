"""CTX203 run-in-executor-without-context."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.contextflow import copying_executor
from ctxlint.analysis.syntax import (
    is_none,
    positional,
    source,
)
from ctxlint.rules.base import Replacement
from ctxlint.rules.ctx2.shared import ContextCarryingRule, callable_label
from ctxlint.semantics import concurrency as sem


class RunInExecutorWithoutContext(ContextCarryingRule):
    """## What it does
    Reports `loop.run_in_executor(executor, f, ...)` with the default (`None`) or a thread
    pool executor when `f` does not run in a copied context.

    ## Why is this bad?
    `run_in_executor` is `executor.submit(f)` underneath: the worker thread does not see
    the coroutine's contextvars or current span. `asyncio.to_thread` exists precisely to
    fix this: it copies the context (python/cpython#78195).
    """

    code = "CTX203"
    name = "run-in-executor-without-context"
    preview = False
    fix = "unsafe"
    triggers = ("run_in_executor",)
    example = """
    import asyncio

    async def handle(request):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, render, request)
    """
    use_instead = """
    import asyncio

    async def handle(request):
        return await asyncio.to_thread(render, request)
    """
    fix_doc = """
    Unsafe. When the executor is `None` and the call is awaited directly, the fix is
    `await asyncio.to_thread(f, ...)`; otherwise `contextvars.copy_context().run` is inserted
    before `f`.
    """
    known_limits = """
    Preview: measured on real code (benchmarks/PRECISION.md), most `run_in_executor` calls
    in libraries and services offload file, DNS, authentication or test work whose context
    does not matter; precision was far below the 90% a default rule needs. Enable it
    (`--preview` or `select = ["CTX203"]`) where request work is offloaded.

    Only the default executor (`None`) and executors known to be a `ThreadPoolExecutor`
    are checked: an executor passed in from elsewhere may be a process pool, or a custom
    executor that copies the context itself.
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
        if self.covered(function.value):
            return
        reason = self.judge(node, function.value, "run_in_executor")
        if reason is None:
            return
        name = callable_label(function.value, self.model)
        rest = ", ..." if positional(node, 2) is not None else ""
        remedy = f"pass `contextvars.copy_context().run, {name}{rest}`"
        if is_none(executor.value):
            remedy = f"use `await asyncio.to_thread({name}{rest})` or {remedy}"
        message = (
            f"`{source(func)}` runs `{name}` in a pool thread without the caller's context, but {reason}; {remedy}"
        )
        self.report(node, message, fix=self._fix(node, executor, function))

    def _fix(self, node: cst.Call, executor: cst.Arg, function: cst.Arg) -> Replacement:
        awaited = isinstance(self.model.parent, cst.Await)
        rest = [arg for arg in node.args if arg is not executor]
        if is_none(executor.value) and awaited and all(a.keyword is None for a in rest):
            asyncio_name, imports = self.module_reference("asyncio")
            fixed = cst.Call(cst.parse_expression(f"{asyncio_name}.to_thread"), args=rest)
            return Replacement(node, fixed, "unsafe", "Use `asyncio.to_thread`", imports)
        run, imports = self.copy_context_run()
        new_args = []
        for arg in node.args:
            if arg is function:
                new_args.append(cst.Arg(run))
            new_args.append(arg)
        return Replacement(
            node, node.with_changes(args=new_args), "unsafe", "Run through `contextvars.copy_context().run`", imports
        )
