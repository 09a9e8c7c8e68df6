"""CTX505 contextvar-get-may-raise."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.syntax import (
    has_star_kwargs,
    keyword,
)
from ctxlint.rules.base import FileContext, Rule
from ctxlint.rules.ctx5.shared import catches
from ctxlint.semantics import lifecycle as sem


class ContextVarGetMayRaise(Rule):
    """## What it does
    Reports `var.get()` with no argument on a module-level `ContextVar` declared without
    `default=`, outside a `try` that catches `LookupError` and not after a `var.set(...)`
    in the same function.

    ## Why is this bad?
    `get()` raises `LookupError` wherever the variable was never set: in any new thread
    (threads start with an empty context), an executor worker, a callback scheduled from
    another thread, or a code path that skipped the `set`. It works in the request path it
    was written for and crashes in the background job that reuses the helper.
    """

    code = "CTX505"
    name = "contextvar-get-may-raise"
    preview = True
    triggers = ("ContextVar",)
    requires = (("get",),)
    example = """
    from contextvars import ContextVar

    tenant = ContextVar("tenant")

    def tenant_label():
        return f"tenant={tenant.get()}"
    """
    use_instead = """
    from contextvars import ContextVar

    tenant = ContextVar("tenant")

    def tenant_label():
        return f"tenant={tenant.get(None)}"
    """
    known_limits = """
    Only variables declared at module level in the same file are checked. `except KeyError`
    does not guard (only `LookupError`, `Exception`, `BaseException` or a bare `except`,
    and `contextlib.suppress` of those). A `set` earlier in the same function, on any path,
    exempts the later `get()`s; a `set` in the caller does not, so helpers that run only
    after their caller set the variable are reported. On the benchmark corpus all 8
    findings were of that kind (tornado's context-propagation tests, where a LookupError is
    the test's failure signal): no true positive, so the rule stays preview.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._set_in: dict[int, set[str]] = {}  # function node id -> variables set so far

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return
        function = self.model.function
        if function is None:
            return
        name, method = func.value.value, func.attr.value
        if method == sem.CONTEXT_VAR_SET:
            self._set_in.setdefault(id(function.node), set()).add(name)
            return
        if method != sem.CONTEXT_VAR_GET or node.args:
            return
        binding = self.model.lookup(name)
        if binding is None or self.model.module_scope.bindings.get(name) is not binding:
            return
        declaration = binding.node
        if not (isinstance(declaration, cst.Call) and self.model.resolve(declaration.func) == sem.CONTEXT_VAR):
            return
        if keyword(declaration, "default") is not None or has_star_kwargs(declaration):
            return
        if name in self._set_in.get(id(function.node), ()) or self._guarded():
            return
        self.report(
            node,
            f"`{name}.get()` raises LookupError wherever `{name}` was never set (a new thread, an "
            f"executor, a fresh context) because it has no default; use `{name}.get(None)` or declare "
            f"`ContextVar(..., default=...)`",
        )

    def _guarded(self) -> bool:
        ancestors = self.model.ancestors
        for index in range(len(ancestors) - 2, -1, -1):
            ancestor = ancestors[index]
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
            if isinstance(ancestor, (cst.Try, cst.TryStar)) and ancestors[index + 1] is ancestor.body:
                if any(catches(handler.type, sem.LOOKUP_ERROR_CATCHERS) for handler in ancestor.handlers):
                    return True
        for item, path in self.model.enclosing_with_paths():
            if path == sem.SUPPRESS + "()" and isinstance(item.item, cst.Call):
                if any(catches(arg.value, sem.LOOKUP_ERROR_CATCHERS) for arg in item.item.args):
                    return True
        return False
