"""CTX205 process-without-carrier."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.entrypoints import parent_context_reason
from ctxlint.analysis.syntax import (
    keyword,
    positional,
)
from ctxlint.rules.base import Rule
from ctxlint.semantics import concurrency as sem


class ProcessWithoutCarrier(Rule):
    """## What it does
    Reports a process started inside an entry point or an active span
    (`multiprocessing.Process`, `ProcessPoolExecutor.submit/map`, `Pool.apply_async/map`)
    with no argument built by `opentelemetry.propagate.inject`.

    ## Why is this bad?
    Contexts cannot cross a process boundary (`Context` is not even picklable): the child
    starts a new trace, and its spans and logs cannot be tied to the request that caused
    them, unless the trace context travels in a carrier the child `extract`s.
    """

    code = "CTX205"
    name = "process-without-carrier"
    preview = True
    triggers = ("Process", "Pool")
    example = """
    from concurrent.futures import ProcessPoolExecutor
    from flask import Flask

    app = Flask(__name__)
    pool = ProcessPoolExecutor()

    @app.post("/render")
    def render():
        return pool.submit(build_report, 42).result()
    """
    use_instead = """
    from concurrent.futures import ProcessPoolExecutor
    from flask import Flask
    from opentelemetry import propagate

    app = Flask(__name__)
    pool = ProcessPoolExecutor()

    @app.post("/render")
    def render():
        carrier = {}
        propagate.inject(carrier)
        return pool.submit(build_report, 42, carrier).result()
    """
    known_limits = """
    A carrier is recognised by name: a variable filled by `propagate.inject(...)` in the same
    function and passed to the process. Helpers that inject elsewhere are not followed.
    """

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        if path in ("opentelemetry.propagate.inject",):
            carrier = positional(node, 0) or keyword(node, "carrier")
            function = self.model.function
            if carrier is not None and isinstance(carrier.value, cst.Name) and function is not None:
                function.memo.setdefault("carriers", set()).add(carrier.value.value)
            return
        starter = self._starter(node, path)
        if starter is None:
            return
        reason = parent_context_reason(self.model, self.context.settings, self.context.path)
        if reason is None:
            return
        function = self.model.function
        carriers = function.memo.get("carriers", set()) if function is not None else set()
        if carriers and _mentions_any(node, carriers):
            return
        self.report(
            node,
            f"`{starter}` starts a process without the trace context ({reason}); pass a carrier "
            f"filled by `opentelemetry.propagate.inject(carrier)` and `extract` it in the child",
        )

    def _starter(self, node: cst.Call, path: Optional[str]) -> Optional[str]:
        if path in sem.PROCESS_STARTERS or (path or "").endswith(".Process") and "multiprocessing" in (path or ""):
            return "multiprocessing.Process"
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        receiver = self.model.resolve(func.value) or ""
        method = func.attr.value
        if receiver == sem.PROCESS_POOL + "()" and method in sem.PROCESS_POOL_METHODS:
            return f"ProcessPoolExecutor.{method}"
        if receiver.endswith("()") and receiver[:-2] in sem.POOL_CLASSES and method in sem.POOL_METHODS:
            return f"Pool.{method}"
        return None

def _mentions_any(node: cst.CSTNode, names: set[str]) -> bool:
    from ctxlint.analysis.walker import iter_descendants

    return any(isinstance(n, cst.Name) and n.value in names for n in iter_descendants(node))
