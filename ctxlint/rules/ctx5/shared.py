"""Helpers shared by the CTX5 rules."""

from __future__ import annotations

from typing import Callable, Iterator, Optional, Sequence

import libcst as cst

from ctxlint.analysis import ownership
from ctxlint.analysis.model import SemanticModel
from ctxlint.analysis.project import ProjectFacts
from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    attribute_name,
    own_descendants,
)
from ctxlint.analysis.walker import children
from ctxlint.semantics import lifecycle as sem

PROTECTING = (cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler)

def own_nodes_with_ancestors(root: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]]:
    """`_own_nodes`, each with its ancestors below `root`."""
    stack = [(child, ()) for child in reversed(children(root))]
    while stack:
        node, ancestors = stack.pop()
        yield node, ancestors
        if isinstance(node, NESTED_SCOPES):
            continue
        inner = (*ancestors, node)
        stack.extend((child, inner) for child in reversed(children(node)))

def function_node(model: SemanticModel) -> Optional[cst.FunctionDef]:
    """The enclosing `def` whose locals a binding belongs to (None at module or class level)."""
    if model.scope.kind != "function":
        return None
    node = model.scope.node
    return node if isinstance(node, cst.FunctionDef) else None

def bound_names(parent: Optional[cst.CSTNode], value: cst.CSTNode) -> Optional[list[str]]:
    """Local names `value` is bound to by `parent` (`x = value`, `x: T = value`, `(x := value)`).

    None when it is stored anywhere else (an attribute, a subscript, a tuple): handed off.
    """
    if isinstance(parent, cst.Assign) and parent.value is value:
        targets = [target.target for target in parent.targets]
    elif isinstance(parent, (cst.AnnAssign, cst.NamedExpr)) and parent.value is value:
        targets = [parent.target]
    else:
        return None
    if not all(isinstance(target, cst.Name) for target in targets):
        return None
    return [target.value for target in targets]  # type: ignore[union-attr]

def escapes(function: cst.FunctionDef, names: Sequence[str]) -> bool:
    return any(ownership.is_global_name(function, name) for name in names)

def leak_exit(function: cst.FunctionDef, start: cst.CSTNode) -> tuple[cst.CSTNode, str]:
    """Where a value started at `start` leaves the function: the next `return`, else the
    function's last line."""
    seen = False
    last: cst.CSTNode = function.body
    for node in own_descendants(function.body):
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            last = node
        if node is start:
            seen = True
        elif seen and isinstance(node, cst.Return):
            return node, "the function returns here without ending it"
    return last, "the function ends here without ending it"

def protected(function: cst.FunctionDef, calls: Sequence[cst.CSTNode]) -> bool:
    """Whether one of `calls` runs in a `finally` (or an `except` handler) of `function`."""
    for node, ancestors in own_nodes_with_ancestors(function.body):
        if any(node is call for call in calls) and any(isinstance(a, PROTECTING) for a in ancestors):
            return True
    return False

def release_calls(
    function: cst.FunctionDef, names: Sequence[str], is_release: Callable[[cst.Call], bool]
) -> Optional[list[cst.Call]]:
    """The calls that release a token bound to `names`, or None if it is handed off elsewhere."""
    releases: list[cst.Call] = []
    for name in names:
        for use in ownership.uses(function, name):
            if not ownership.is_handling(use):
                continue
            call = use.grandparent
            if not use.captured and isinstance(use.parent, cst.Arg) and isinstance(call, cst.Call) and is_release(call):
                releases.append(call)
                continue
            return None  # stored, returned, passed on: its new owner releases it
    return releases

def catches(node: Optional[cst.BaseExpression], names: frozenset[str]) -> bool:
    """Whether an `except <node>` clause catches one of the exception classes `names`."""
    if node is None:
        return True  # bare `except:`
    if isinstance(node, cst.Tuple):
        return any(catches(element.value, names) for element in node.elements)
    return attribute_name(node) in names

def imported_roots(model: SemanticModel) -> set[str]:
    return {module.split(".")[0] for module in model.module_scope.memo.get("imported_modules", ())}

def is_tracer(receiver: cst.CSTNode, model: SemanticModel, facts: ProjectFacts, *, any_name: bool = False) -> bool:
    """Whether `receiver.start_span(...)` is an OpenTelemetry tracer's.

    Resolved to an `opentelemetry` path: yes. Otherwise (a tracer imported from a project
    module, an unannotated `self._tracer`, a project `get_tracer()`), only a receiver named
    like a tracer, in code that uses OpenTelemetry and no other tracing library whose spans
    are ended differently (`finish()`, `tracer.end_span()`). Other receivers are wrappers
    whose own `start_span` may keep and end the span (prefect's `RunTelemetry`).
    `any_name`: the method name alone is OpenTelemetry's (`start_as_current_span`).
    """
    path = model.resolve(receiver)
    if path is not None and path.split(".")[0] == sem.OPENTELEMETRY:
        return True
    named = attribute_name(receiver.func if isinstance(receiver, cst.Call) else receiver)
    if not any_name and (named is None or "tracer" not in named.lower()):
        return False
    roots = imported_roots(model)
    if path is not None and path.split(".")[0] in sem.OTHER_TRACING_LIBRARIES:
        return False
    if roots & sem.OTHER_TRACING_LIBRARIES:
        return False
    return facts.opentelemetry or sem.OPENTELEMETRY in roots


# ---------------------------------------------------------------- tokens across methods


def enclosing_class(model: SemanticModel) -> Optional[cst.ClassDef]:
    scope = model.function
    cls = scope.enclosing_class if scope is not None else None
    return cls.node if cls is not None and isinstance(cls.node, cst.ClassDef) else None


def methods_of(cls: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    return {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}


def contains_call(function: cst.CSTNode, predicate: Callable[[cst.Call], bool]) -> Optional[cst.Call]:
    for node in own_descendants(function):
        if isinstance(node, cst.Call) and predicate(node):
            return node
    return None


def stored_on(function: cst.FunctionDef, call: cst.Call, parent: Optional[cst.CSTNode]) -> Optional[str]:
    """The attribute or item a token ends up in: `self._token = var.set(x)`, or
    `token = attach(...)` ... `request.META["token"] = token` (source of the target)."""

    def store_target(statement: Optional[cst.CSTNode], value: cst.CSTNode) -> Optional[str]:
        if isinstance(statement, (cst.Assign, cst.AnnAssign)) and statement.value is value:
            targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, (cst.Attribute, cst.Subscript)):
                    return cst.Module([]).code_for_node(target)
        return None

    direct = store_target(parent, call)
    if direct is not None:
        return direct
    for name in bound_names(parent, call) or ():
        for use in ownership.uses(function, name):
            found = store_target(use.parent, use.node)
            if found is not None:
                return found
    return None


def is_shared_middleware(cls: cst.ClassDef) -> bool:
    """One instance serves every request (ASGI/WSGI/Django middleware, Starlette `dispatch`)."""
    methods = methods_of(cls)
    call = methods.get("__call__")
    if call is not None:
        names = tuple(p.name.value for p in call.params.params[1:])
        if names[:3] == sem.ASGI_CALL_PARAMETERS or names[:2] == sem.WSGI_CALL_PARAMETERS:
            return True
        init = methods.get("__init__")
        if init is not None and len(init.params.params) >= 2 and init.params.params[1].name.value == "get_response":
            return True
    dispatch = methods.get("dispatch")
    if dispatch is not None:
        names = tuple(p.name.value for p in dispatch.params.params[1:])
        return names[:2] == ("request", "call_next")
    return False


def released_elsewhere(
    cls: cst.ClassDef, current: cst.FunctionDef, target: str, is_release: Callable[[cst.Call], bool]
) -> Optional[tuple[cst.FunctionDef, cst.Call]]:
    """Another method of `cls` releases the token stored in `target` (`reset(self._token)`,
    or a local read from it)."""
    for method in methods_of(cls).values():
        if method is current:
            continue
        for node in own_descendants(method.body):
            if isinstance(node, cst.Call) and is_release(node):
                text = " ".join(cst.Module([]).code_for_node(a.value) for a in node.args)
                if target in text or _reads_into_released_name(method, node, target):
                    return method, node
    return None


def _reads_into_released_name(method: cst.FunctionDef, release: cst.Call, target: str) -> bool:
    """`token = self._token` / `getattr(request, "_token")` / `request.META.pop(KEY)` then
    `reset(token)`: the released name was read from the same storage."""
    names = {
        a.value.value
        for a in release.args
        if isinstance(a.value, cst.Name)
    }
    base = target.split("[")[0]
    attribute = base.rsplit(".", 1)[-1]
    for node in own_descendants(method.body):
        if isinstance(node, cst.Assign) and any(
            isinstance(t.target, cst.Name) and t.target.value in names for t in node.targets
        ):
            text = cst.Module([]).code_for_node(node.value)
            if base in text or attribute in text:
                return True
    return False
