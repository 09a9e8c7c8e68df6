"""One traversal of a LibCST module that feeds the semantic model and every rule.

LibCST's own `node.visit()` rebuilds every node it passes (it is written for
transformers), which costs about as much as parsing. Rules here only read the tree, so
the walker iterates the syntax-bearing dataclass fields of each node instead, skipping
whitespace and punctuation. It is iterative, so deeply nested code cannot exhaust the
interpreter stack. Rules keep LibCST's visitor protocol: `visit_<Node>` / `leave_<Node>`.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterable

import libcst as cst

from ctxlint.analysis.model import SemanticModel

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
# type -> whether its values are nodes (`isinstance` against LibCST's abstract base
# classes goes through ABCMeta, which is slow enough to matter once per field per node).
_IS_NODE: dict[type, bool] = {}


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


def _is_node(value_type: type) -> bool:
    known = _IS_NODE.get(value_type)
    if known is None:
        known = _IS_NODE[value_type] = issubclass(value_type, cst.CSTNode)
    return known


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The code-bearing child nodes of `node`, in source order."""
    result: list[cst.CSTNode] = []
    fields = _FIELDS_BY_TYPE.get(type(node)) or _code_fields(type(node))
    for name in fields:
        value = getattr(node, name)
        value_type = type(value)
        if value_type is tuple or value_type is list:
            for item in value:
                if _IS_NODE.get(type(item)) or _is_node(type(item)):
                    result.append(item)
        elif _IS_NODE.get(value_type) or _is_node(value_type):
            result.append(value)
    return result


def iter_descendants(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """All code-bearing descendants of `node` (not `node` itself), pre-order."""
    stack = children(node)
    stack.reverse()
    while stack:
        current = stack.pop()
        yield current
        kids = children(current)
        if kids:
            kids.reverse()
            stack.extend(kids)


ErrorHandler = Callable[[object, BaseException], None]

_LEAVE = object()  # stack marker: leave the node on top of `model.ancestors`


def walk(module: cst.Module, model: SemanticModel, visitors: Iterable[object], on_error: ErrorHandler) -> bool:
    """Traverse `module` once. Returns False if the semantic model itself failed."""
    visitors = list(visitors)
    # node type -> (visit methods, leave methods, model enters it, model leaves it);
    # rebuilt when a failing visitor is dropped
    plans: dict[type, tuple[tuple[Callable, ...], tuple[Callable, ...], bool, bool]] = {}
    methods_by_name: dict[str, tuple[list[Callable], list[Callable]]] = {}

    def index_methods() -> None:
        methods_by_name.clear()
        plans.clear()
        for visitor in visitors:
            for method_name in type(visitor).visitor_method_names():  # type: ignore[attr-defined]
                kind, _, node_name = method_name.partition("_")
                entry = methods_by_name.setdefault(node_name, ([], []))
                entry[0 if kind == "visit" else 1].append(getattr(visitor, method_name))

    def plan_for(node_type: type) -> tuple[tuple[Callable, ...], tuple[Callable, ...], bool, bool]:
        visits, leaves = methods_by_name.get(node_type.__name__, ((), ()))
        enters, exits = SemanticModel.tracks(node_type)
        plan = plans[node_type] = (tuple(visits), tuple(leaves), enters, exits)
        return plan

    def call_all(methods: tuple[Callable, ...], node: cst.CSTNode) -> None:
        for method in methods:
            try:
                method(node)
            except Exception as exc:  # a broken rule must not take down the file
                owner = method.__self__  # type: ignore[attr-defined]
                on_error(owner, exc)
                if owner in visitors:
                    visitors.remove(owner)
                    index_methods()

    index_methods()
    ancestors = model.ancestors
    stack: list = [module]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        if node is _LEAVE:
            node = ancestors[-1]
            plan = plans.get(type(node)) or plan_for(type(node))
            if plan[1]:
                call_all(plan[1], node)
            if plan[3]:
                try:
                    model.leave(node)
                except Exception as exc:
                    on_error(model, exc)
                    return False
            ancestors.pop()
            continue
        plan = plans.get(type(node)) or plan_for(type(node))
        kids = children(node)
        if not kids and not (plan[0] or plan[1] or plan[2] or plan[3]):
            continue  # a leaf nobody looks at: nothing could observe visiting it
        ancestors.append(node)
        if plan[2]:
            try:
                model.enter(node)
            except Exception as exc:
                on_error(model, exc)
                return False
        if plan[0]:
            call_all(plan[0], node)
        push(_LEAVE)
        if kids:
            kids.reverse()
            extend(kids)
    return True
