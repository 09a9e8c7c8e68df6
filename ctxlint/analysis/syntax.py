"""Small, resolution-free questions about LibCST nodes that many rules ask."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

NESTED_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def keyword(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional(call: cst.Call, index: int) -> Optional[cst.Arg]:
    """The `index`-th positional argument, or None (also when a `*args` precedes it)."""
    position = 0
    for arg in call.args:
        if arg.keyword is not None or arg.star == "**":
            continue
        if arg.star == "*":
            return None
        if position == index:
            return arg
        position += 1
    return None


def argument(call: cst.Call, name: str, index: Optional[int]) -> Optional[cst.Arg]:
    """An argument given by keyword `name` or at position `index`."""
    found = keyword(call, name)
    if found is None and index is not None:
        found = positional(call, index)
    return found


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def has_star_args(call: cst.Call) -> bool:
    return any(arg.star == "*" for arg in call.args)


def is_none(node: Optional[cst.CSTNode]) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def attribute_name(node: cst.CSTNode) -> Optional[str]:
    """The final name of `a.b.c` or `c`."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Name):
        return node.value
    return None


def callee_name(call: cst.Call) -> Optional[str]:
    """`a.b.f(...)` -> "f"."""
    return attribute_name(call.func)


def source(node: cst.CSTNode) -> str:
    """The node's code, for messages (one line, shortened)."""
    text = cst.Module([]).code_for_node(node).strip()
    text = " ".join(text.split())
    text = re.sub(r"([(\[{]) ", r"\1", text)
    text = re.sub(r",? ([)\]}])", r"\1", text)
    return text if len(text) <= 60 else text[:57] + "..."


def is_expression_statement(model_parent: Optional[cst.CSTNode]) -> bool:
    """Whether the node whose parent is given is a bare expression statement."""
    return isinstance(model_parent, cst.Expr)


def own_descendants(node: cst.CSTNode):
    """Descendants of `node` that run as part of it, in source order: nested functions,
    lambdas and classes are yielded but not entered."""
    from ctxlint.analysis.walker import children

    stack = children(node)
    stack.reverse()
    while stack:
        current = stack.pop()
        yield current
        if not isinstance(current, NESTED_SCOPES):
            kids = children(current)
            kids.reverse()
            stack.extend(kids)
