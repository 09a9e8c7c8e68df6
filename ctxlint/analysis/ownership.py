"""Ownership transfer (SPEC "Shared notions"; Go's lostcancel "any later use = handled").

A value (span, token, task, client) bound to a local name counts as handled when the name
is returned, yielded, awaited, stored (into an attribute, subscript, global, container or
another name), passed to any call, captured by a nested function or lambda, used in
`with`, or has a release method called on it. Only a name that is never used in one of
those ways is unhandled. This keeps precision high without data-flow analysis.

`uses(function, name)` walks the function once per name; rules call `is_handled`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

import libcst as cst

from ctxlint.analysis.walker import children


@dataclass(frozen=True)
class Use:
    node: cst.Name
    parent: Optional[cst.CSTNode]
    grandparent: Optional[cst.CSTNode]
    captured: bool  # inside a nested function or lambda


def uses(function: cst.CSTNode, name: str) -> list[Use]:
    """Every load of `name` inside `function` (the binding targets excluded)."""
    found: list[Use] = []
    # (node, parent, grandparent, inside nested function)
    stack: list[tuple[cst.CSTNode, Optional[cst.CSTNode], Optional[cst.CSTNode], bool]] = [
        (child, function, None, False) for child in reversed(children(function))
    ]
    while stack:
        node, parent, grandparent, nested = stack.pop()
        if isinstance(node, cst.Name) and node.value == name:
            if not _is_store(node, parent):
                found.append(Use(node, parent, grandparent, nested))
            continue
        inner = nested or isinstance(node, (cst.FunctionDef, cst.Lambda))
        for child in reversed(children(node)):
            stack.append((child, node, parent, inner))
    return found


def _is_store(node: cst.Name, parent: Optional[cst.CSTNode]) -> bool:
    if isinstance(parent, cst.AssignTarget) and parent.target is node:
        return True
    if isinstance(parent, cst.NamedExpr) and parent.target is node:
        return True
    if isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is node:
        return isinstance(parent, cst.AnnAssign)
    if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and parent.name is node:
        return True
    if isinstance(parent, cst.Param) and parent.name is node:
        return True
    if isinstance(parent, cst.AsName) and parent.name is node:
        return True
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node:
        return True
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return True
    if isinstance(parent, cst.Arg) and parent.keyword is node:
        return True
    if isinstance(parent, (cst.Global, cst.Nonlocal, cst.NameItem)):
        return True
    return False


def is_handling(use: Use, release_methods: Iterable[str] = (), handling_methods: Iterable[str] = ()) -> bool:
    """Whether this one use hands the value off or releases it."""
    if use.captured:
        return True
    parent, grandparent = use.parent, use.grandparent
    if isinstance(parent, cst.Attribute) and parent.value is use.node:
        method = parent.attr.value
        is_call = isinstance(grandparent, cst.Call) and grandparent.func is parent
        # `span.end()`, or `span.end` handed over as a callback, releases it
        return method in release_methods or (is_call and method in handling_methods)
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget, cst.UnaryOperation, cst.BooleanOperation)):
        return False
    if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and getattr(parent, "test", None) is use.node:
        return False
    if isinstance(parent, (cst.Expr, cst.Del)):
        return False
    if isinstance(parent, cst.Subscript) and parent.value is use.node:
        return False
    if isinstance(parent, cst.FormattedStringExpression):
        return False
    return True  # returned, yielded, awaited, passed, stored, in a container, `with`: handed off


def is_handled(
    function: cst.CSTNode,
    name: str,
    release_methods: Iterable[str] = (),
    handling_methods: Iterable[str] = (),
) -> bool:
    release, handling = tuple(release_methods), tuple(handling_methods)
    return any(is_handling(use, release, handling) for use in uses(function, name))


def is_global_name(function: cst.CSTNode, name: str) -> bool:
    """`global name` / `nonlocal name` in the function: the value escapes."""
    from ctxlint.analysis.walker import iter_descendants

    for node in iter_descendants(function):
        if isinstance(node, (cst.Global, cst.Nonlocal)) and any(item.name.value == name for item in node.names):
            return True
    return False
