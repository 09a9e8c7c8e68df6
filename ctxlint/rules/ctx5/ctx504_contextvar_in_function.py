"""CTX504 contextvar-in-function."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis import ownership
from ctxlint.analysis.syntax import (
    source,
)
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx5.shared import bound_names, escapes, function_node
from ctxlint.semantics import lifecycle as sem


class ContextVarInFunction(Rule):
    """## What it does
    Reports `contextvars.ContextVar(...)` created inside a function body and kept only in
    that call: discarded, used in place, or bound to a local that never leaves the function.

    ## Why is this bad?
    Each call creates a new variable that no other code can see, so a value set in it is
    invisible everywhere else and `get()` never finds what another call set. Contexts hold
    strong references to their variables, so every call also leaks one. The Python docs:
    "Context Variables should be created at the top module level and never in closures."
    """

    code = "CTX504"
    name = "contextvar-in-function"
    triggers = ("ContextVar",)
    example = """
    from contextvars import ContextVar

    def current_request_id():
        request_id = ContextVar("request_id", default=None)
        return request_id.get()
    """
    use_instead = """
    from contextvars import ContextVar

    request_id = ContextVar("request_id", default=None)

    def current_request_id():
        return request_id.get()
    """
    known_limits = """
    A variable that leaves the function is not reported: returned (a factory called at
    import time), stored on `self` (a per-instance variable such as asgiref's or
    werkzeug's `Local`, or OpenTelemetry's own runtime context), put in a registry, declared
    `global`, passed on or captured by a closure. So a per-request object that makes its own
    ContextVar in `__init__` is not caught.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if self.model.resolve(node.func) != sem.CONTEXT_VAR:
            return
        function = function_node(self.model)
        if function is None:
            return  # module level, a class body, or a lambda's return value
        parent = self.model.parent
        dropped = isinstance(parent, cst.Expr) or (isinstance(parent, cst.Attribute) and parent.value is node)
        if not dropped:
            names = bound_names(parent, node)
            if not names or escapes(function, names):
                return
            if any(ownership.is_handled(function, name) for name in names):
                return
        label = source(node.args[0].value) if node.args else ""
        self.report(
            node,
            f"`ContextVar({label})` is created on every call of `{function.name.value}`: each call gets "
            f"a new variable nothing else can see, and contexts keep it alive; create it once at module level",
        )
