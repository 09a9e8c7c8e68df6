"""CTX206 thread-subclass-without-context."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.contextflow import (
    SUBCLASS_RUN,
    because,
    handed_over,
    scope_qualname,
    uncovered,
)
from ctxlint.analysis.syntax import (
    attribute_name,
)
from ctxlint.rules.base import Rule, WholeName
from ctxlint.rules.ctx2.shared import is_service_loop, own_loops
from ctxlint.semantics import concurrency as sem
from ctxlint.semantics import context_readers as readers


class ThreadSubclassWithoutContext(Rule):
    """## What it does
    Reports a `threading.Thread` subclass that overrides `run()` and never captures a
    context with `contextvars.copy_context()` in `__init__` or `start()`, when `run()`
    needs the caller's context (a ContextVar, the current span, context-aware logging) or
    runs a callable the object was given.

    ## Why is this bad?
    `run()` executes in the new thread, which starts with an empty context, so request
    context and the current span are lost. `ThreadingInstrumentor` does not help either:
    it patches `Thread.run`, which the override replaces.
    """

    uses_context_flow = True

    code = "CTX206"
    name = "thread-subclass-without-context"
    preview = False
    triggers = ("Thread",)
    requires = ((WholeName("run"),),)  # the method it judges
    modules = (sem.THREAD_CLASS,)  # the base it looks for
    example = """
    import contextvars
    import threading

    tenant = contextvars.ContextVar("tenant")

    def upload_pending():
        print("uploading for", tenant.get())

    class Uploader(threading.Thread):
        def run(self):
            upload_pending()
    """
    use_instead = """
    import contextvars
    import threading

    tenant = contextvars.ContextVar("tenant")

    def upload_pending():
        print("uploading for", tenant.get())

    class Uploader(threading.Thread):
        def start(self):
            self._context = contextvars.copy_context()
            super().start()

        def run(self):
            self._context.run(upload_pending)
    """
    known_limits = """
    A `copy_context()` inside `run()` does not count: it runs in the new thread and copies
    that thread's empty context. `run()` is judged like the work of CTX201 (the project
    pass follows its calls); a `run()` that is a service loop serves no caller and is not
    reported. `ThreadingInstrumentor` never reaches an overridden `run`; Sentry's
    ThreadingIntegration forks Sentry's scope at `start()`, so a `run()` needing only that
    is not reported. A callable the object was given is judged by what the project's
    constructions hand over.
    """

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not any(self.model.resolve(base.value) == sem.THREAD_CLASS for base in node.bases):
            return
        methods = {
            statement.name.value: statement
            for statement in node.body.body
            if isinstance(statement, cst.FunctionDef)
        }
        if "run" not in methods:
            return
        if any(is_service_loop(loop, methods["run"]) for loop in own_loops(methods["run"])):
            return  # a service thread: it serves whatever comes, not the code that starts it
        for name in ("__init__", "start"):
            method = methods.get(name)
            if method is not None and _calls_copy_context(method):
                return
        reason = self._reason(node)
        if reason is None:
            return
        self.report(
            node.name,  # reported on the `class` line, not on a decorator
            f"Thread subclass `{node.name.value}` overrides `run()` without capturing a context, but "
            f"{reason}; call `contextvars.copy_context()` in `__init__` or `start()` and run the body in it",
        )

    def _reason(self, node: cst.ClassDef) -> Optional[str]:
        """Why the `run()` body loses context that matters: it needs some (Sentry's
        integration forks Sentry's scope at `start()`, ThreadingInstrumentor never reaches
        an overridden `run`), or it runs a callable the object was given."""
        facts = self.context.facts
        flow = facts.flow
        module = flow.module(self.context.relative_path)
        function = flow.function(f"L:{scope_qualname(self.model.scope)}.run", module)
        if function is None:
            return None
        need = flow.need(function)
        label = f"{node.name.value}.run"
        parts = uncovered(need, SUBCLASS_RUN, facts)
        for part in readers.PARTS:
            if part in parts:
                return because(parts[part], label)
        # `run()` calls a callable the object was given: what the constructions hand over
        cls = scope_qualname(self.model.scope)
        located = flow.resolver.locate(function)
        if located is None:
            return None
        graph_module, qualname = located
        given = graph_module.graph["classes"].get(cls, {}).get("given_by", {})
        init = flow.function(f"L:{cls}.__init__", module)
        for reference, _line in graph_module.graph["functions"][qualname]["calls"]:
            attribute = reference[2:] if reference.startswith("S:") else None
            if attribute in given and given[attribute] and init is not None and not facts.contextless_service:
                return handed_over(init, given[attribute], f"`self.{attribute}`", SUBCLASS_RUN, self.context)
        return None

def _calls_copy_context(function: cst.FunctionDef) -> bool:
    from ctxlint.analysis.walker import iter_descendants

    return any(
        isinstance(n, cst.Call) and attribute_name(n.func) == "copy_context" for n in iter_descendants(function)
    )
