"""CTX504 contextvar-in-function."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis import ownership
from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    source,
)
from ctxlint.analysis.walker import children
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx5.shared import bound_names, escapes, function_node
from ctxlint.semantics import lifecycle as sem


class ContextVarInFunction(Rule):
    """## What it does
    Reports `contextvars.ContextVar(...)` created inside a function body: kept only for
    that call, returned by a factory, stored on `self` in `__init__` or re-created in a
    method, handed to another call (a hook registry) or captured by a closure. Not when
    the function provably runs once (module-level calls only, `functools.cache`), when the
    variable goes into a keyed registry, or for a class instantiated once at module level.

    ## Why is this bad?
    Each call creates a new variable that no other code can see, so a value set in it is
    invisible everywhere else and `get()` never finds what another call set. Contexts hold
    strong references to their variables, so every call also leaks one, and whatever the
    variable is handed to (a list of configure hooks) grows for the life of the process.
    A variable re-created on an object loses every value tasks set in the old one. The
    Python docs: "Context Variables should be created at the top module level and never in
    closures."
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
    Not reported: a variable created at module or class level; in a function decorated
    with `functools.cache`/`lru_cache`, or one this module only calls at module level (a
    factory run at import); put into a keyed registry (`registry[name] = ContextVar(name)`,
    one per key); declared `global`; stored on `cls` in `__init_subclass__` (once per
    class); stored on `self` in `__init__` of a class this module instantiates only at
    module level (a singleton). A factory called from other modules at import time, or a
    class instantiated once elsewhere, is still reported: the linted file cannot see how
    often it runs.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if self.model.resolve(node.func) != sem.CONTEXT_VAR:
            return
        function = function_node(self.model)
        scope = self.model.function
        if function is None or scope is None:
            return  # module level, a class body, or a lambda's return value
        if self._runs_once(function, scope):
            return
        label = source(node.args[0].value) if node.args else ""
        name = function.name.value
        parent = self.model.parent
        fate = self._fate(node, parent, function)
        if fate is None:
            return
        if fate == "local":
            message = (
                f"`ContextVar({label})` is created on every call of `{name}`: each call gets a new variable "
                f"nothing else can see, and contexts keep it alive; create it once at module level"
            )
        elif fate.startswith("self."):
            cls = scope.enclosing_class
            owner = f"`{cls.name}`" if cls is not None else "this"
            if name == "__init__":
                message = (
                    f"`ContextVar({label})` is created for every {owner} instance (`{fate}` in `__init__`): each "
                    f"instance gets its own variable, which every context that set it keeps alive after the "
                    f"instance is gone; create one at module level (keyed by instance if needed)"
                )
            else:
                message = (
                    f"`ContextVar({label})` is re-created in `{name}` (`{fate}`): values that tasks set in the "
                    f"old variable vanish, and contexts keep every old one alive; create it once at module level"
                )
        else:
            message = (
                f"`ContextVar({label})` is created on every call of `{name}` and {fate}: each call makes a new "
                f"variable, and whatever keeps it (a registry of hooks, the contexts that set it) grows for the "
                f"life of the process; create it once at module level"
            )
        self.report(node, message)

    def _fate(self, node: cst.Call, parent: Optional[cst.CSTNode], function: cst.FunctionDef) -> Optional[str]:
        """How the new variable leaves the call: "local", "self.x", a phrase, or None (exempt)."""
        if isinstance(parent, cst.Expr) or (isinstance(parent, cst.Attribute) and parent.value is node):
            return "local"
        if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            if any(isinstance(t, cst.Subscript) for t in targets):
                return None  # a keyed registry: one variable per key
            attributes = [t for t in targets if isinstance(t, cst.Attribute)]
            if attributes:
                target = attributes[0]
                if isinstance(target.value, cst.Name) and target.value.value == "cls":
                    return None if function.name.value == "__init_subclass__" else f"stored on `{source(target)}`"
                if isinstance(target.value, cst.Name) and target.value.value == "self":
                    if function.name.value == "__init__" and self._singleton():
                        return None
                    return source(target)
                return f"stored on `{source(target)}`"
        names = bound_names(parent, node)
        if names is not None:
            if escapes(function, names):
                return None  # `global`: module-level semantics
            return self._local_fate(function, names)
        if isinstance(parent, cst.Return):
            return "returned"
        if isinstance(parent, cst.Arg):
            call = self.model.ancestors[-3] if len(self.model.ancestors) >= 3 else None
            return f"passed to `{source(call.func)}(...)`" if isinstance(call, cst.Call) else "passed on"
        return "handed on"

    def _local_fate(self, function: cst.FunctionDef, names: list[str]) -> Optional[str]:
        """What happens to a local name bound to the new variable."""
        stored_in_registry = False
        for name in names:
            for use in ownership.uses(function, name):
                parent = use.parent
                if use.captured:
                    return "captured by a nested function"
                if isinstance(parent, cst.Return):
                    return "returned"
                if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is use.node:
                    targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
                    if any(isinstance(t, cst.Subscript) for t in targets):
                        stored_in_registry = True
                        continue
                    attribute = next((t for t in targets if isinstance(t, cst.Attribute)), None)
                    if attribute is not None:
                        if source(attribute.value) == "self":
                            if function.name.value == "__init__" and self._singleton():
                                continue
                            return source(attribute)
                        if source(attribute.value) == "cls" and function.name.value == "__init_subclass__":
                            continue
                        return f"stored on `{source(attribute)}`"
                if isinstance(parent, cst.Arg):
                    call = use.grandparent
                    if isinstance(call, cst.Call):
                        return f"passed to `{source(call.func)}(...)`"
        return None if stored_in_registry else "local"

    def _runs_once(self, function: cst.FunctionDef, scope: Scope) -> bool:
        """`@functools.cache`/`lru_cache`, or a module-level function only called at module level."""
        if any(path.removesuffix("()") in sem.CACHING_DECORATORS for path in scope.decorators):
            return True
        if scope.parent is None or scope.parent.kind != "module":
            return False
        name = function.name.value
        memo = self.context.memo.setdefault("ctx504_module_calls", {})
        if name not in memo:
            memo[name] = _only_called_at_module_level(self.model.module_scope.node, name)
        return memo[name]

    def _singleton(self) -> bool:
        """The class of the current method is instantiated in this module, only at module level."""
        scope = self.model.function
        cls = scope.enclosing_class if scope is not None else None
        if cls is None:
            return False
        memo = self.context.memo.setdefault("ctx504_singletons", {})
        if cls.name not in memo:
            memo[cls.name] = _only_called_at_module_level(self.model.module_scope.node, cls.name)
        return memo[cls.name]


def _only_called_at_module_level(module: cst.Module, name: str) -> bool:
    """`name(...)` is called in this module, and only outside every function."""
    calls = 0
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == name:
            if inside:
                return False
            calls += 1
        nested = inside or isinstance(node, (cst.FunctionDef, cst.Lambda))
        stack.extend((child, nested) for child in children(node))
    return calls > 0
