"""Hand-written propagation inside one function: where the trace context is written into a
carrier (`inject`, a trace-header write, trace headers merged in), and where that carrier
goes afterwards. Shared by CTX306-CTX308.

A function's code is read once (its own statements, not nested functions) into a
`FunctionFlow`: nodes in source order with their parents, name bindings, attribute and
subscript stores, calls, and the carrier writes. Memoised per function on the file's memo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Optional

import libcst as cst

from ctxlint.analysis.syntax import NESTED_SCOPES, attribute_name, keyword, positional
from ctxlint.analysis.walker import children
from ctxlint.semantics import boundaries as sem
from ctxlint.semantics import otel

_MEMO = "ctxlint.carriers"
_TRACE_KEY = re.compile(sem.TRACE_HEADER_KEY, re.IGNORECASE)


def root_name(node: cst.CSTNode) -> Optional[str]:
    """`a` for `a.b.c`, `a[0].b` and `a.b()`, else None."""
    while isinstance(node, (cst.Attribute, cst.Subscript, cst.Call)):
        node = node.func if isinstance(node, cst.Call) else node.value
    return node.value if isinstance(node, cst.Name) else None


@dataclass
class Write:
    """The trace context written into `carrier` by `node`."""

    node: cst.CSTNode  # the inject call, the `headers[k] = v` assignment, the `update` call
    carrier: cst.BaseExpression
    kind: str  # "inject" | "header" | "merge"
    index: int  # position of `node` in the function's source order


@dataclass
class FunctionFlow:
    function: cst.FunctionDef
    order: dict[int, int] = field(default_factory=dict)  # id(node) -> source position
    parents: dict[int, cst.CSTNode] = field(default_factory=dict)
    bindings: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    attribute_stores: set[tuple[str, str]] = field(default_factory=set)  # (root, attribute)
    subscript_stores: list[tuple[str, cst.BaseExpression, cst.BaseExpression]] = field(default_factory=list)
    calls: list[cst.Call] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    strings: set[str] = field(default_factory=set)  # lower-cased string literals
    params: dict[str, cst.Param] = field(default_factory=dict)

    def index(self, node: cst.CSTNode) -> int:
        return self.order.get(id(node), -1)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parents.get(id(node))
        while current is not None:
            yield current
            current = self.parents.get(id(current))

    def uses(self, name: str, node: cst.CSTNode) -> bool:
        """Whether `node` mentions the local `name` (outside nested functions)."""
        for inner in (node, *_own(node)):
            if isinstance(inner, cst.Name) and inner.value == name:
                parent = self.parents.get(id(inner))
                if isinstance(parent, cst.Attribute) and parent.attr is inner:
                    continue
                if isinstance(parent, cst.Arg) and parent.keyword is inner:
                    continue
                return True
        return False

    def sends_after(self, name: str, after: int, exclude: tuple[cst.CSTNode, ...] = ()) -> Optional[cst.Call]:
        """The first call after position `after` that hands `name` (or something built from
        it) to another call: the send. Methods called on `name` itself do not count."""
        for call in self.calls:
            if self.index(call) <= after or any(call is node for node in exclude):
                continue
            if any(ancestor is node for ancestor in self.ancestors(call) for node in exclude):
                continue  # a call inside the write itself
            if root_name(call.func) == name:
                continue  # `headers.update(...)`, `message.set(...)`
            if any(self.uses(name, arg.value) for arg in call.args):
                return call
        return None

    def forwards_after(self, name: str, after: int) -> Optional[cst.Call]:
        """The first call after `after` given `**name`."""
        for call in self.calls:
            if self.index(call) > after and any(
                arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value == name for arg in call.args
            ):
                return call
        return None


def _own(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = list(reversed(children(node)))
    while stack:
        current = stack.pop()
        yield current
        if not isinstance(current, NESTED_SCOPES):
            stack.extend(reversed(children(current)))


class ReadsCarrierWrites:
    """For a rule that judges carrier writes function by function: notes each function
    around a call or store that may write a carrier (an `inject` or `update` call, a
    `headers[key] = ...`), so that the rule reads (`flow`) only those. A superset: every
    enclosing function is noted, whatever the nested scopes between."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writers: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        name = attribute_name(node.func)
        if name in sem.INJECT_METHODS or (name == "update" and isinstance(node.func, cst.Attribute)):
            self._note_writers()

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(isinstance(target.target, cst.Subscript) for target in node.targets):
            self._note_writers()

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self._note_writers()

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self._note_writers()

    def may_write(self, function: cst.FunctionDef) -> bool:
        return id(function) in self._writers

    def _note_writers(self) -> None:
        self._writers.update(id(node) for node in self.model.ancestors if isinstance(node, cst.FunctionDef))


def flow(function: cst.FunctionDef, context, model) -> FunctionFlow:
    memo = context.memo.setdefault(_MEMO, {})
    found = memo.get(id(function))
    if found is None:
        found = memo[id(function)] = _read(function, model)
    return found


def _read(function: cst.FunctionDef, model) -> FunctionFlow:
    result = FunctionFlow(function)
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        result.params[param.name.value] = param
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            result.params[star.name.value] = star
    position = 0
    stack: list[tuple[cst.CSTNode, Optional[cst.CSTNode]]] = [(c, function) for c in reversed(children(function.body))]
    result.parents[id(function.body)] = function
    for child in children(function.body):
        result.parents[id(child)] = function.body
    while stack:
        node, parent = stack.pop()
        result.order[id(node)] = position
        position += 1
        if parent is not None and id(node) not in result.parents:
            result.parents[id(node)] = parent
        _note(result, node, model)
        if isinstance(node, NESTED_SCOPES):
            continue
        for child in reversed(children(node)):
            stack.append((child, node))
    return result


def _note(result: FunctionFlow, node: cst.CSTNode, model) -> None:
    if isinstance(node, cst.Call):
        result.calls.append(node)
        carrier = injected_carrier(node, model)
        if carrier is not None:
            result.writes.append(Write(node, carrier, "inject", result.order[id(node)]))
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "update"
            and node.args
            and node.args[0].keyword is None
            and carries_baggage(node.args[0].value, result, model)
        ):
            result.writes.append(Write(node, node.func.value, "merge", result.order[id(node)]))
    elif isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            _store(result, node, target, node.value)
    elif isinstance(node, cst.NamedExpr):
        _store(result, node, node.target, node.value)
    elif isinstance(node, (cst.For, cst.CompFor)) and isinstance(node.target, cst.Name):
        result.bindings.setdefault(node.target.value, []).append(cst.Ellipsis())
    elif isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        if isinstance(value, str):
            result.strings.add(value.lower())


def _store(result: FunctionFlow, statement: cst.CSTNode, target: cst.BaseExpression, value) -> None:
    if isinstance(target, cst.Name):
        if value is not None:
            result.bindings.setdefault(target.value, []).append(value)
    elif isinstance(target, cst.Attribute):
        root = root_name(target.value)
        if root is not None and isinstance(target.value, cst.Name):
            result.attribute_stores.add((root, target.attr.value))
    elif isinstance(target, cst.Subscript):
        root = root_name(target.value)
        key = target.slice[0].slice.value if target.slice and isinstance(target.slice[0].slice, cst.Index) else None
        if root is not None and key is not None and value is not None:
            result.subscript_stores.append((root, key, value))
            if trace_header_key(key):
                result.writes.append(Write(statement, target.value, "header", result.order[id(statement)]))
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            inner = element.value.value if isinstance(element.value, cst.StarredElement) else element.value
            if isinstance(inner, cst.Name):
                result.bindings.setdefault(inner.value, []).append(cst.Ellipsis())


def trace_header_key(key: cst.BaseExpression) -> bool:
    """`"traceparent"`, `constants.TRACEPARENT_HEADER_NAME`, `SENTRY_TRACE_HEADER_NAME`."""
    if isinstance(key, cst.SimpleString):
        value = key.evaluated_value
        return isinstance(value, str) and _TRACE_KEY.search(value) is not None
    name = attribute_name(key)
    return name is not None and _TRACE_KEY.search(name) is not None


def injected_carrier(call: cst.Call, model) -> Optional[cst.BaseExpression]:
    """The carrier an `inject` call writes the current trace context into, or None when the
    call is not a trace inject."""
    func = call.func
    if attribute_name(func) not in sem.INJECT_METHODS:
        return None
    path = model.resolve(func) or ""
    traced = path in otel.INJECTORS or (path.startswith("opentelemetry.") and path.endswith(".inject"))
    second = positional(call, 1)
    if second is not None and _mentions_format(second.value):
        carrier = positional(call, 2) or keyword(call, "carrier")  # tracer.inject(ctx, Format.X, carrier)
        return carrier.value if carrier is not None else None
    if not traced:
        receiver = func.value if isinstance(func, cst.Attribute) else None
        words = (attribute_name(receiver) or "") if receiver is not None else ""
        if isinstance(receiver, cst.Call):
            words = attribute_name(receiver.func) or ""
        traced = any(word in words.lower() for word in sem.INJECT_RECEIVER_WORDS) or keyword(call, "setter") is not None
        if not traced:
            return None
    carrier = keyword(call, "carrier") or positional(call, 0)
    return carrier.value if carrier is not None else None


def _mentions_format(node: cst.BaseExpression) -> bool:
    while isinstance(node, cst.Attribute):
        if isinstance(node.value, cst.Name) and node.value.value == sem.OPENTRACING_FORMAT:
            return True
        node = node.value
    return False


def is_trace_headers(node: cst.BaseExpression, result: FunctionFlow, model, depth: int = 0) -> bool:
    """An expression holding trace headers made here: a trace-header source
    (`dict(hub.iter_trace_propagation_headers(span))`, `get_traceparent()`), or a name bound
    to one, or a dict with a trace-header key."""
    if depth > 3:
        return False
    if isinstance(node, cst.Call):
        if attribute_name(node.func) in sem.TRACE_HEADER_SOURCES:
            return True
        if isinstance(node.func, cst.Name) and node.func.value == "dict" and node.args:
            return is_trace_headers(node.args[0].value, result, model, depth + 1)
        return False
    if isinstance(node, cst.Dict):
        return any(
            isinstance(element, cst.DictElement) and trace_header_key(element.key) for element in node.elements
        )
    if isinstance(node, cst.Name):
        values = result.bindings.get(node.value, [])
        if values and any(is_trace_headers(value, result, model, depth + 1) for value in values):
            return True
        # a carrier `inject()` wrote into
        return any(isinstance(w.carrier, cst.Name) and w.carrier.value == node.value for w in result.writes)
    return False


def carries_baggage(node: cst.BaseExpression, result: FunctionFlow, model, depth: int = 0) -> bool:
    """Trace headers that include a W3C `baggage` header: Sentry's
    `iter_trace_propagation_headers()`/`iter_headers()`/`get_baggage()`, a carrier an
    OpenTelemetry `inject()` wrote (the default propagators write `baggage`), a dict with a
    `baggage` key. OpenTracing-style vendor injects write their own headers only."""
    if depth > 3:
        return False
    if isinstance(node, cst.Call):
        if attribute_name(node.func) in sem.BAGGAGE_HEADER_SOURCES:
            return True
        if isinstance(node.func, cst.Name) and node.func.value == "dict" and node.args:
            return carries_baggage(node.args[0].value, result, model, depth + 1)
        return False
    if isinstance(node, cst.Dict):
        return any(
            isinstance(element, cst.DictElement) and _baggage_key(element.key) for element in node.elements
        )
    if isinstance(node, cst.Name):
        if any(carries_baggage(value, result, model, depth + 1) for value in result.bindings.get(node.value, [])):
            return True
        return any(
            isinstance(w.carrier, cst.Name)
            and w.carrier.value == node.value
            and w.kind == "inject"
            and not _opentracing(w.node)
            for w in result.writes
        )
    return False


def _baggage_key(key: cst.BaseExpression) -> bool:
    if isinstance(key, cst.SimpleString):
        value = key.evaluated_value
        return isinstance(value, str) and value.lower() == "baggage"
    return "baggage" in (attribute_name(key) or "").lower()


def _opentracing(call: cst.CSTNode) -> bool:
    second = positional(call, 1) if isinstance(call, cst.Call) else None
    return second is not None and _mentions_format(second.value)


def is_fresh_empty(node: cst.BaseExpression) -> bool:
    """`{}`, `[]`, `dict()`, `list()`: a new, empty object."""
    if isinstance(node, (cst.Dict, cst.List)):
        return not node.elements
    return (
        isinstance(node, cst.Call)
        and not node.args
        and isinstance(node.func, cst.Name)
        and node.func.value in ("dict", "list")
    )


def mapping_get(node: cst.BaseExpression) -> Optional[tuple[str, Optional[cst.BaseExpression]]]:
    """`d.get("headers")` / `d.get("headers", default)` -> ("d", default or None)."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and isinstance(node.func.value, cst.Name)
        and node.args
        and isinstance(node.args[0].value, cst.SimpleString)
    ):
        default = positional(node, 1) or keyword(node, "default")
        return node.func.value.value, default.value if default is not None else None
    return None
