"""CTX205 process-without-carrier."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.contextflow import hop_work
from ctxlint.analysis.entrypoints import parent_context_reason
from ctxlint.analysis.syntax import argument, keyword, positional
from ctxlint.rules.base import Rule, WholeName
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

    uses_context_flow = True

    code = "CTX205"
    name = "process-without-carrier"
    preview = False
    triggers = (WholeName("Process"), WholeName("Pool"), WholeName(sem.PROCESS_POOL.rpartition(".")[2]))
    # reports only starts resolved through these imports
    modules = ("concurrent.futures", "multiprocessing", "torch.multiprocessing")
    example = """
    from concurrent.futures import ProcessPoolExecutor
    from flask import Flask
    from opentelemetry import trace

    app = Flask(__name__)
    pool = ProcessPoolExecutor()
    tracer = trace.get_tracer(__name__)

    def build_report(n, carrier=None):
        with tracer.start_as_current_span("build_report"):
            return n

    @app.post("/render")
    def render():
        return pool.submit(build_report, 42).result()
    """
    use_instead = """
    from concurrent.futures import ProcessPoolExecutor
    from flask import Flask
    from opentelemetry import propagate, trace

    app = Flask(__name__)
    pool = ProcessPoolExecutor()
    tracer = trace.get_tracer(__name__)

    def build_report(n, carrier=None):
        with tracer.start_as_current_span("build_report"):
            return n

    @app.post("/render")
    def render():
        carrier = {}
        propagate.inject(carrier)
        return pool.submit(build_report, 42, carrier).result()
    """
    known_limits = """
    Only inside an entry point or an active span (a process started elsewhere has no trace
    to continue), and only when the child's work needs the context (the project pass
    judges it as for CTX201-CTX203) or is the caller's callable. `run_in_executor` on a
    `ProcessPoolExecutor` counts. A carrier is recognised by name: a variable filled by `propagate.inject(...)` in the same
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
        found = self._starter(node, path)
        if found is None:
            return
        starter, work = found
        reason = parent_context_reason(self.model, self.context.settings, self.context.path)
        if reason is None:
            return
        function = self.model.function
        carriers = function.memo.get("carriers", set()) if function is not None else set()
        if carriers and _mentions_any(node, carriers):
            return
        if work is not None:
            judged = hop_work(work, self.context)
            if judged.caller_parameter is None and judged.need.kind == "free":
                return  # nothing the child does reads the context
        self.report(
            node,
            f"`{starter}` starts a process without the trace context ({reason}); pass a carrier "
            f"filled by `opentelemetry.propagate.inject(carrier)` and `extract` it in the child",
        )

    def _starter(self, node: cst.Call, path: Optional[str]) -> Optional[tuple[str, Optional[cst.BaseExpression]]]:
        """The process start (`ProcessPoolExecutor.submit`) and the callable it runs."""
        if path in sem.PROCESS_STARTERS or (path or "").endswith(".Process") and "multiprocessing" in (path or ""):
            target = argument(node, "target", 1)
            return "multiprocessing.Process", target.value if target is not None else None
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        receiver = self.model.resolve(func.value) or ""
        method = func.attr.value
        first = positional(node, 0)
        if receiver == sem.PROCESS_POOL + "()" and method in sem.PROCESS_POOL_METHODS:
            return f"ProcessPoolExecutor.{method}", first.value if first is not None else None
        if receiver.endswith("()") and receiver[:-2] in sem.POOL_CLASSES and method in sem.POOL_METHODS:
            return f"Pool.{method}", first.value if first is not None else None
        if method == "run_in_executor" and first is not None and self.model.resolve(first.value) == sem.PROCESS_POOL + "()":
            work = positional(node, 1)
            return "run_in_executor(ProcessPoolExecutor)", work.value if work is not None else None
        return None

def _mentions_any(node: cst.CSTNode, names: set[str]) -> bool:
    from ctxlint.analysis.walker import iter_descendants

    return any(isinstance(n, cst.Name) and n.value in names for n in iter_descendants(node))
