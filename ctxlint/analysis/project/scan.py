"""One `ast` traversal of a Python file: the nodes the project pass needs, and a summary
of what each function and class body does."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional


# Fields that hold names, numbers, flags or operators, never code (`Global.names` and
# `MatchClass.kwd_attrs` hold lists of names; 3.14's `Interpolation.str` the text of its
# expression). `Import.names` holds `alias` nodes, which hold names.
_SCALAR_FIELDS = frozenset(
    {"ctx", "id", "arg", "attr", "name", "asname", "names", "module", "level", "type_comment", "kind",
     "conversion", "is_async", "simple", "rest", "kwd_attrs", "tag", "op", "ops", "str"}
)
# Nodes whose `value` is a constant, not a node (`match` patterns exist from Python 3.10).
CONSTANT_NODES = tuple(getattr(ast, name) for name in ("Constant", "MatchSingleton") if hasattr(ast, name))
_CODE_FIELDS: dict[type, tuple[str, ...]] = {}


def code_fields(kind: type) -> tuple[str, ...]:
    """The fields of an `ast` node type that may hold code: a node, None, or a list of
    nodes (and None: a `**spread`'s key in a dict display). Looking up a type's fields
    beats testing every value for being a node, in the project pass's hot loops."""
    fields = _CODE_FIELDS.get(kind)
    if fields is None:
        fields = _CODE_FIELDS[kind] = () if kind in CONSTANT_NODES else tuple(f for f in kind._fields if f not in _SCALAR_FIELDS)
    return fields


def dotted_text(node: ast.AST) -> str:
    """`a.b.c` for Name/Attribute chains, "<object>" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return "<object>"

def first_argument(call: ast.Call) -> Optional[ast.AST]:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    for kw in call.keywords:
        if kw.arg in ("app", "client", "channel", "producer", "consumer", "config", "application"):
            return kw.value
    return None

def string_value(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None

def split_names(value: str) -> list[str]:
    return [part.strip() for part in value.strip("\"'").split(",") if part.strip()]

def subscript_key(node: ast.Subscript) -> Optional[ast.AST]:
    key = node.slice
    if isinstance(key, ast.Index):  # pragma: no cover - Python 3.8 ast shape
        key = key.value  # type: ignore[attr-defined]
    return key

def callee_name(node: ast.Call) -> Optional[str]:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None

@dataclass
class Summary:
    """What a function or class body (nested scopes included) does, from one traversal."""

    node: ast.AST
    callees: list = field(default_factory=list)  # the `func` of every call
    calls: set = field(default_factory=set)  # their last names, once imports are known
    copies: bool = False  # calls copy_context()
    runs: bool = False  # mentions `.run`
    returns: bool = False  # returns a value
    returns_span: bool = False  # returns `....start_span(...)`, or a name bound to one
    span_names: set = field(default_factory=set)  # names bound to `....start_span(...)` here

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

@dataclass
class Scan:
    imports: list = field(default_factory=list)
    assignments: list = field(default_factory=list)  # Assign / AnnAssign with a value
    calls: list = field(default_factory=list)
    sequences: list = field(default_factory=list)  # tuple / list / set displays
    summaries: list = field(default_factory=list)

def _is_span_start(value: ast.AST) -> bool:
    return isinstance(value, ast.Call) and callee_name(value) == "start_span"

def scan_tree(tree: ast.AST) -> Scan:
    """The nodes the extraction needs, in source order, and a summary per function and
    class, from one traversal (walking each function again would cost a walk per
    nesting level; this is the hot loop of the project pass)."""
    scan = Scan()
    stack: list[tuple[ast.AST, tuple[Summary, ...]]] = [(tree, ())]
    pop, push = stack.pop, stack.append
    while stack:
        node, frames = pop()
        kind = type(node)
        if kind is ast.Call:
            scan.calls.append(node)
            func = node.func
            if frames and isinstance(func, (ast.Name, ast.Attribute)):
                copies = callee_name(node) == "copy_context"
                for frame in frames:
                    frame.callees.append(func)
                    frame.copies = frame.copies or copies
        elif kind is ast.Attribute:
            if frames and node.attr == "run":  # type: ignore[attr-defined]
                for frame in frames:
                    frame.runs = True
        elif kind is ast.Name or kind is ast.Load or kind is ast.Store:
            continue  # leaves
        elif kind in _SCOPES:
            summary = Summary(node)
            scan.summaries.append(summary)
            frames = (*frames, summary)
        elif kind is ast.Return:
            value = node.value  # type: ignore[attr-defined]
            if frames and value is not None:
                span = _is_span_start(value) or (isinstance(value, ast.Name) and value.id in frames[-1].span_names)
                for frame in frames:
                    frame.returns = True
                    frame.returns_span = frame.returns_span or span
        elif kind is ast.Import or kind is ast.ImportFrom:
            scan.imports.append(node)
            continue
        elif kind is ast.Assign or kind is ast.AnnAssign:
            if node.value is not None:  # type: ignore[attr-defined]
                scan.assignments.append(node)
                if frames and _is_span_start(node.value):  # type: ignore[attr-defined]
                    targets = node.targets if kind is ast.Assign else [node.target]  # type: ignore[attr-defined]
                    frames[-1].span_names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif kind is ast.Tuple or kind is ast.List or kind is ast.Set:
            scan.sequences.append(node)
        elif kind is ast.Constant:
            continue
        children = []
        for name in code_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                children.extend(item for item in value if item is not None)
            elif value is not None:
                children.append(value)
        for child in reversed(children):  # popped in source order
            push((child, frames))
    return scan
