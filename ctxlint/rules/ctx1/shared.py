"""Helpers shared by the CTX1xx rules: extractions (OpenTelemetry's and other tracers'),
the calls that take a parent context, and what a function assigns to a name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    argument,
    attribute_name,
    keyword,
    positional,
    source,
)
from ctxlint.analysis.walker import children
from ctxlint.semantics import otel

_MEMO = "ctxlint.ctx1.assignments"


@dataclass(frozen=True)
class Extraction:
    call: cst.Call
    carrier: Optional[cst.BaseExpression]
    mapping_lookup: bool  # looks `traceparent` up as a lower-case key of a mapping
    custom_getter: bool  # `getter=` given
    falls_back: bool  # `context=` given: builds on it instead of an empty context


def extraction(call: cst.Call, model) -> Optional[Extraction]:
    """What an extract call reads, if `call` is one (OpenTelemetry, OpenTracing-style, or a
    vendor's)."""
    path = model.resolve(call.func) or ""
    if path in otel.EXTRACTORS:
        carrier_position, context_keyword, context_position = otel.EXTRACTORS[path]
        carrier = argument(call, "carrier", carrier_position)
        base = argument(call, context_keyword, context_position)
        return Extraction(
            call,
            carrier.value if carrier is not None else None,
            True,
            keyword(call, "getter") is not None,
            base is not None and not (isinstance(base.value, cst.Name) and base.value.value == "None"),
        )
    if path in otel.VENDOR_EXTRACTORS:
        carrier = positional(call, otel.VENDOR_EXTRACTORS[path])
        return Extraction(
            call, carrier.value if carrier is not None else None, path in otel.MAPPING_LOOKUP_EXTRACTORS, False, False
        )
    if attribute_name(call.func) == "extract":
        first = positional(call, 0)
        if first is not None and _mentions(first.value, otel.OPENTRACING_FORMAT):
            carrier = positional(call, 1) or keyword(call, "carrier")
            return Extraction(call, carrier.value if carrier is not None else None, False, False, False)
        if path.startswith("opentelemetry.") or (isinstance(call.func, cst.Attribute) and path.endswith("().extract")):
            # any other TextMapPropagator's extract(carrier, context=None, getter=...)
            carrier = argument(call, "carrier", 0)
            base = argument(call, "context", 1)
            if path.startswith("opentelemetry."):
                return Extraction(
                    call, carrier.value if carrier is not None else None, True,
                    keyword(call, "getter") is not None, base is not None,
                )
    return None


def _mentions(node: cst.BaseExpression, name: str) -> bool:
    while isinstance(node, cst.Attribute):
        node = node.value
        if isinstance(node, cst.Name) and node.value == name:
            return True
    return False


def parent_argument(call: cst.Call, model) -> Optional[tuple[cst.BaseExpression, str]]:
    """(the context a call takes as the parent or makes current, "starts" | "attaches"), for a
    span start (`context=`, or another tracer's parent keyword), `context.attach(ctx)` or
    ddtrace's `context_provider.activate(ctx)`."""
    func = call.func
    last = attribute_name(func)
    if last == "attach" and model.resolve(func) == otel.ATTACH:
        given = argument(call, "context", 0)
        return (given.value, "attaches") if given is not None else None
    if last in otel.VENDOR_ACTIVATORS and isinstance(func, cst.Attribute):
        if attribute_name(func.value) == otel.VENDOR_ACTIVATORS[last]:
            given = positional(call, 0)
            return (given.value, "attaches") if given is not None else None
    if not isinstance(func, cst.Attribute):
        return None
    if last in otel.SPAN_STARTERS:
        given = argument(call, *otel.SPAN_STARTERS[last])
        if given is not None:
            return given.value, "starts"
    for name in otel.PARENT_KEYWORDS:
        given = keyword(call, name)
        if given is not None:
            return given.value, "starts"
    return None


def assignments(function: Optional[cst.CSTNode], context) -> dict[str, list[cst.BaseExpression]]:
    """Every value a function's own code assigns to each plain name (nested functions
    excluded). Memoised per function."""
    if function is None:
        return {}
    memo = context.memo.setdefault(_MEMO, {})
    found = memo.get(id(function))
    if found is not None:
        return found
    found = {}
    stack = list(children(function))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    found.setdefault(target.target.value, []).append(node.value)
        elif isinstance(node, (cst.AnnAssign, cst.NamedExpr)) and isinstance(node.target, cst.Name):
            if node.value is not None:
                found.setdefault(node.target.value, []).append(node.value)
        if not isinstance(node, NESTED_SCOPES):
            stack.extend(children(node))
    memo[id(function)] = found
    return found


def values_of(node: cst.BaseExpression, model, context, depth: int = 0) -> list[cst.BaseExpression]:
    """What an expression may evaluate to: itself, or every value assigned to the name in
    its function (`x if c else y` gives both)."""
    if depth > 3:
        return []
    if isinstance(node, cst.IfExp):
        return [*values_of(node.body, model, context, depth + 1), *values_of(node.orelse, model, context, depth + 1)]
    if isinstance(node, cst.Name):
        function = model.def_function
        values = assignments(function.node if function is not None else None, context).get(node.value, [])
        result: list[cst.BaseExpression] = []
        for value in values:
            result.extend(values_of(value, model, context, depth + 1))
        return result
    return [node]


def is_empty_literal(node: cst.BaseExpression, model) -> bool:
    """`{}`, `[]`, `dict()`, `list()` (the builtins, not shadowed)."""
    if isinstance(node, (cst.Dict, cst.List)):
        return not node.elements
    return (
        isinstance(node, cst.Call)
        and not node.args
        and isinstance(node.func, cst.Name)
        and node.func.value in ("dict", "list")
        and model.lookup(node.func.value) is None
    )


def shown(node: cst.CSTNode) -> str:
    return source(node)
