"""One traversal of a LibCST module that feeds the semantic model and every rule.

LibCST's own `node.visit()` rebuilds every node it passes (it is written for
transformers), which costs about as much as parsing. Rules here only read the tree, so
the walker iterates the syntax-bearing dataclass fields of each node instead, skipping
whitespace and punctuation. It is iterative, so deeply nested code cannot exhaust the
interpreter stack. Rules keep LibCST's visitor protocol: `visit_<Node>` / `leave_<Node>`.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterable, Optional

import libcst as cst

from ctxlint.model import SemanticModel

# Fields that never hold code: whitespace, punctuation, tokens and formatting.
_NON_CODE_FIELDS = frozenset(
    {
        "colon", "comma", "comment", "default_indent", "default_newline", "dot",
        "empty_lines", "encoding", "equal", "first_colon", "footer", "has_trailing_newline",
        "header", "indent", "lbrace", "lbracket", "leading_lines", "leading_whitespace",
        "lines_after_decorators", "lpar", "newline", "operator", "posonly_ind", "rbrace",
        "rbracket", "relative", "rpar", "second_colon", "semicolon", "star", "trailing_comma",
        "trailing_whitespace", "asynchronous", "first_line", "last_line", "conversion",
    }
)

_FIELDS_BY_TYPE: dict[type, tuple[str, ...]] = {}


def _code_fields(node_type: type) -> tuple[str, ...]:
    fields = _FIELDS_BY_TYPE.get(node_type)
    if fields is None:
        fields = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _NON_CODE_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS_BY_TYPE[node_type] = fields
    return fields


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The code-bearing child nodes of `node`, in source order."""
    result: list[cst.CSTNode] = []
    for name in _code_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            result.append(value)
        elif isinstance(value, (tuple, list)):
            result.extend(v for v in value if isinstance(v, cst.CSTNode))
    return result


def iter_descendants(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """All code-bearing descendants of `node` (not `node` itself), pre-order."""
    stack = children(node)
    stack.reverse()
    while stack:
        current = stack.pop()
        yield current
        kids = children(current)
        kids.reverse()
        stack.extend(kids)


ErrorHandler = Callable[[object, BaseException], None]


def walk(module: cst.Module, model: SemanticModel, visitors: Iterable[object], on_error: ErrorHandler) -> bool:
    """Traverse `module` once. Returns False if the semantic model itself failed."""
    visit_table: dict[str, list[Callable]] = {}
    leave_table: dict[str, list[Callable]] = {}
    for visitor in visitors:
        for method_name in type(visitor).visitor_method_names():  # type: ignore[attr-defined]
            kind, _, node_name = method_name.partition("_")
            table = visit_table if kind == "visit" else leave_table
            table.setdefault(node_name, []).append(getattr(visitor, method_name))

    def disable(visitor: object) -> None:
        for table in (visit_table, leave_table):
            for name, methods in table.items():
                table[name] = [m for m in methods if m.__self__ is not visitor]

    def call_all(methods: Optional[list[Callable]], node: cst.CSTNode) -> None:
        if not methods:
            return
        for method in list(methods):
            try:
                method(node)
            except Exception as exc:  # a broken rule must not take down the file
                on_error(method.__self__, exc)
                disable(method.__self__)

    ancestors = model.ancestors
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, leaving = stack.pop()
        name = type(node).__name__
        if leaving:
            call_all(leave_table.get(name), node)
            try:
                model.leave(node)
            except Exception as exc:
                on_error(model, exc)
                return False
            ancestors.pop()
            continue
        ancestors.append(node)
        try:
            model.enter(node)
        except Exception as exc:
            on_error(model, exc)
            return False
        call_all(visit_table.get(name), node)
        stack.append((node, True))
        kids = children(node)
        kids.reverse()
        stack.extend((kid, False) for kid in kids)
    return True
