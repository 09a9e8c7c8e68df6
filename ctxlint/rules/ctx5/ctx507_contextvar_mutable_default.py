"""CTX507 contextvar-mutable-default."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import keyword, own_descendants, source
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import FileContext, Rule
from ctxlint.semantics import lifecycle as sem


class ContextVarMutableDefault(Rule):
    """## What it does
    Reports a `ContextVar` declared with a mutable default (`default=[]`, `{}`, `set()`,
    `dict()`, `deque()`, ...) whose value this module changes in place after `get()`
    (`var.get().append(x)`, `items = var.get(); items[k] = v`).

    ## Why is this bad?
    The default is one object, created once. Every context that never called `set()` gets
    that same object from `get()`, so an in-place change made for one request, task or
    thread is seen by all the others: concurrent runs share a stack of "current" items,
    a request sees another request's entries. It works in a single-threaded test and
    breaks under load.
    """

    code = "CTX507"
    name = "contextvar-mutable-default"
    triggers = ("ContextVar",)
    example = """
    from contextvars import ContextVar

    active_steps = ContextVar("active_steps", default=[])

    def start_step(step):
        active_steps.get().append(step)
    """
    use_instead = """
    from contextvars import ContextVar

    active_steps = ContextVar("active_steps", default=())

    def start_step(step):
        active_steps.set((*active_steps.get(), step))
    """
    known_limits = """
    Only variables declared at module or class level in the linted file, and only when the
    same file changes the value from `get()` in place: a method call that mutates
    (`append`, `add`, `update`, `setdefault`, `pop`, ...), an item assignment or deletion,
    or `+=` on it, directly or through a local name bound to `var.get()` (not to a copy
    such as `var.get().copy()` or `list(var.get())`). A default that is only ever read or
    replaced with `set()` is not reported (it is shared but never changed), and neither is
    one changed only in another module. Mutable defaults are literals, comprehensions and
    calls of `list`, `dict`, `set`, `bytearray` and the `collections` containers.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._declared: dict[str, cst.Call] = {}  # variable name -> ContextVar(...) call

    def visit_Call(self, node: cst.Call) -> None:
        if self.model.resolve(node.func) != sem.CONTEXT_VAR:
            return
        if self.model.def_function is not None:
            return  # CTX504's concern
        default = keyword(node, "default")
        if default is None or not self._is_mutable(default.value):
            return
        name = self._declared_name(node)
        if name is not None:
            self._declared[name] = node

    def leave_Module(self, node: cst.Module) -> None:
        if not self._declared:
            return
        mutated = _mutated_variables(node, set(self._declared))
        for name, call in self._declared.items():
            where = mutated.get(name)
            if where is None:
                continue
            default = keyword(call, "default")
            assert default is not None
            self.report(
                call,
                f"`{name}` has a mutable default (`{source(default.value)}`) that is changed in place after "
                f"`{name}.get()`: every context that never set it shares that one object, so concurrent "
                f"requests and tasks see each other's changes; default to `None` (or an immutable value) and "
                f"`set()` a new object instead of changing it",
                related=[(where, "changed in place here")],
            )

    def _is_mutable(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
            return True
        if isinstance(value, cst.Call):
            path = self.model.resolve(value.func)
            if path is None and isinstance(value.func, cst.Name) and self.model.lookup(value.func.value) is None:
                path = value.func.value  # a builtin, not shadowed
            return path in sem.MUTABLE_CONSTRUCTORS
        return False

    def _declared_name(self, node: cst.Call) -> Optional[str]:
        """`var = ContextVar(...)` / `var: ContextVar[...] = (ContextVar(...))`."""
        parent = self.model.parent
        if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            if len(targets) == 1 and isinstance(targets[0], cst.Name):
                return targets[0].value
        return None


def _get_of(node: cst.CSTNode, names: set[str]) -> Optional[str]:
    """`var.get()` / `var.get(default)` for one of `names`: the variable's name."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == sem.CONTEXT_VAR_GET
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value in names
    ):
        return node.func.value.value
    return None


def _mutated_variables(module: cst.Module, names: set[str]) -> dict[str, cst.CSTNode]:
    """variable name -> the first in-place change of a value read from its `get()`."""
    found: dict[str, cst.CSTNode] = {}

    def mutated_target(expression: cst.CSTNode, aliases: dict[str, str]) -> Optional[str]:
        """The variable whose value `expression` is (`var.get()`, or a local alias of it)."""
        direct = _get_of(expression, names)
        if direct is not None:
            return direct
        if isinstance(expression, cst.Name):
            return aliases.get(expression.value)
        return None

    scopes = [module, *(n for n in iter_descendants(module) if isinstance(n, cst.FunctionDef))]
    for scope in scopes:
        body = scope.body if isinstance(scope, cst.FunctionDef) else scope
        aliases: dict[str, str] = {}  # local name -> variable (bound to `var.get()`)
        for node in own_descendants(body):
            if isinstance(node, (cst.Assign, cst.AnnAssign)) and node.value is not None:
                targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
                variable = _get_of(node.value, names)
                for target in targets:
                    if isinstance(target, cst.Name):
                        if variable is not None:
                            aliases[target.value] = variable
                        else:
                            aliases.pop(target.value, None)
                    elif isinstance(target, cst.Subscript):
                        owner = mutated_target(target.value, aliases)
                        if owner is not None:
                            found.setdefault(owner, node)
            elif isinstance(node, cst.AugAssign):
                owner = mutated_target(node.target, aliases)
                if owner is not None:
                    found.setdefault(owner, node)
                elif isinstance(node.target, cst.Subscript):
                    owner = mutated_target(node.target.value, aliases)
                    if owner is not None:
                        found.setdefault(owner, node)
            elif isinstance(node, cst.Del):
                target = node.target
                if isinstance(target, cst.Subscript):
                    owner = mutated_target(target.value, aliases)
                    if owner is not None:
                        found.setdefault(owner, node)
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                if node.func.attr.value in sem.MUTATING_METHODS:
                    owner = mutated_target(node.func.value, aliases)
                    if owner is not None:
                        found.setdefault(owner, node)
    return found
