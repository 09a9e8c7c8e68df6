"""CTX202 executor-without-context."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.contextcopy import (
    is_context_run,
)
from ctxlint.analysis.contextflow import one_of_the_modules_copying_pools
from ctxlint.analysis.syntax import (
    positional,
    source,
)
from ctxlint.rules.base import Replacement
from ctxlint.rules.ctx2.shared import HOW_THE_WORK_IS_JUDGED, ContextCarryingRule, callable_label
from ctxlint.semantics import concurrency as sem


class ExecutorWithoutContext(ContextCarryingRule):
    """## What it does
    Reports `.submit(f, ...)` and `.map(f, ...)` on a `concurrent.futures.ThreadPoolExecutor`
    (bound by constructor, `with ... as`, a `self.` attribute or an annotation) when `f`
    does not run in a copied context and needs the caller's context (a ContextVar, the
    current span, Sentry's scope, context-aware logging, or the caller's own callable).

    ## Why is this bad?
    Pool threads never receive the submitter's context: `f` runs in the worker thread's own
    context, empty at first, and whatever an earlier task left attached there. Request ids,
    tenants and the current span are lost, or worse, leak between requests.
    """

    code = "CTX202"
    name = "executor-without-context"
    fix = "unsafe"
    triggers = ("ThreadPoolExecutor",)
    requires = (("submit", "map"),)
    example = """
    from concurrent.futures import ThreadPoolExecutor
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    def render(request):
        with tracer.start_as_current_span("render"):
            return request.body

    def handle(request):
        with ThreadPoolExecutor() as pool:
            return pool.submit(render, request).result()
    """
    use_instead = """
    import contextvars
    from concurrent.futures import ThreadPoolExecutor
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    def render(request):
        with tracer.start_as_current_span("render"):
            return request.body

    def handle(request):
        with ThreadPoolExecutor() as pool:
            return pool.submit(contextvars.copy_context().run, render, request).result()
    """
    fix_doc = """
    Unsafe, `submit` only: inserts `contextvars.copy_context().run` as the submitted
    callable. `map` has no fix: each item needs its own copy (a Context cannot be entered by
    two threads at once), so rewrite it as one `submit` per item.
    """
    known_limits = HOW_THE_WORK_IS_JUDGED + """
    Only receivers known to be a `ThreadPoolExecutor` are checked (constructor, `with`,
    `self.` attribute, annotation); an executor of unknown type passed in is not.
    `ProcessPoolExecutor` is CTX205's.
    """

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in sem.EXECUTOR_METHODS):
            return
        if self.model.resolve(func.value) != sem.THREAD_POOL + "()":
            return
        if one_of_the_modules_copying_pools(func.value, self.context):
            return
        submitted = positional(node, 0)
        if submitted is None or self.covered(submitted.value):
            return
        if is_context_run(submitted.value, self.model):
            return
        method = func.attr.value
        verdict = self.judge(node, submitted.value, method)
        if verdict is None:
            return
        reason = verdict.reason
        function = callable_label(submitted.value, self.model)
        receiver = source(func.value)
        if method == "submit":
            message = (
                f"`{receiver}.submit` runs `{function}` in a pool thread without the caller's context, but "
                f"{reason}; submit `contextvars.copy_context().run, {function}` instead{self.remedy_note()}"
            )
            runner = self.context_runner()
            fixed = node.with_changes(args=[*(cst.Arg(c) for c in runner.callables), *node.args])
            fix = Replacement(
                node, fixed, "unsafe", "Submit through `contextvars.copy_context().run`", runner.imports, runner.helpers
            )
        else:
            message = (
                f"`{receiver}.map` runs `{function}` in pool threads without the caller's context, but "
                f"{reason}; use one `submit(contextvars.copy_context().run, {function}, item)` per item"
                f"{self.remedy_note()}"
            )
            fix = None
        self.report(node, message, fix=fix, related=verdict.related)
