"""CTX106 stored-parent-not-passed."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    attribute_name,
    keyword,
    positional,
    source,
)
from ctxlint.analysis.walker import children
from ctxlint.rules.base import Rule
from ctxlint.semantics import otel
from ctxlint.semantics.entrypoints import SPAN_CONTEXT_MANAGERS


class StoredParentNotPassed(Rule):
    """## What it does
    Reports a span (or observation) started on a tracer or tracing client held by the
    object (`self.client.start_observation(...)`) without a parent, in a class whose other
    starts on that same tracer pass a parent context the object keeps
    (`trace_context=self.trace_context`, `context=self.parent_context`).

    ## Why is this bad?
    The object was given the trace its work belongs to, and most of its spans join it.
    The one start that forgets it has no parent of its own, so it begins a new, orphan
    trace: typically the one code path (a model called directly, an error path, a new
    callback) that was added later.
    """

    code = "CTX106"
    name = "stored-parent-not-passed"
    triggers = tuple(sorted(otel.ROOT_STARTERS))
    example = """
    from langfuse import get_client

    class FlowTracer:
        def __init__(self, trace_context):
            self.client = get_client()
            self.trace_context = trace_context

        def on_chain_start(self, name):
            return self.client.start_span(name=name, trace_context=self.trace_context)

        def on_llm_start(self, name):
            return self.client.start_observation(name=name, as_type="generation")
    """
    use_instead = """
    from langfuse import get_client

    class FlowTracer:
        def __init__(self, trace_context):
            self.client = get_client()
            self.trace_context = trace_context

        def on_chain_start(self, name):
            return self.client.start_span(name=name, trace_context=self.trace_context)

        def on_llm_start(self, name):
            return self.client.start_observation(name=name, as_type="generation", trace_context=self.trace_context)
    """
    known_limits = """
    Only starts on an attribute of `self` are compared, within one class, and only when
    some start on the same attribute passes an attribute of `self` as its parent
    (`context=`, OpenTelemetry's second positional argument, `trace_context=`,
    `span_context=`, `child_of=`, `parent_context=`). Starts on a parent span or a local
    tracer, and starts given `links=`, are not reported.
    """

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        starts: list[tuple[str, cst.Call, Optional[str]]] = []  # (receiver, call, stored parent)
        for call in _own_calls(node):
            func = call.func
            if not isinstance(func, cst.Attribute) or func.attr.value not in otel.ROOT_STARTERS:
                continue
            receiver = func.value
            if not (
                isinstance(receiver, cst.Attribute)
                and isinstance(receiver.value, cst.Name)
                and receiver.value.value == "self"
            ):
                continue
            starts.append((receiver.attr.value, call, _parent(call)))
        by_receiver: dict[str, list[tuple[cst.Call, Optional[str]]]] = {}
        for receiver, call, parent in starts:
            by_receiver.setdefault(receiver, []).append((call, parent))
        for receiver, calls in by_receiver.items():
            stored = sorted({parent for _call, parent in calls if parent not in (None, "")})
            if not stored:
                continue
            for call, parent in calls:
                if parent is None and keyword(call, "links") is None:
                    self.report(
                        call,
                        f"`{source(call.func)}` starts without a parent, while the other starts on `self.{receiver}` "
                        f"in this class pass `self.{stored[0]}`: this one begins a new trace; pass the stored parent",
                    )


def _parent(call: cst.Call) -> Optional[str]:
    """The `self.<attribute>` given as the parent; "" for another parent; None for none."""
    given = None
    for name in otel.PARENT_KEYWORDS:
        found = keyword(call, name)
        if found is not None:
            given = found.value
            break
    if given is None and attribute_name(call.func) in otel.SPAN_STARTERS:
        second = positional(call, 1)
        given = second.value if second is not None else None
    if given is None:
        return None
    if isinstance(given, cst.Attribute) and isinstance(given.value, cst.Name) and given.value.value == "self":
        return given.attr.value
    return ""


def _own_calls(node: cst.ClassDef):
    """Calls in the class's methods (nested classes excluded), except those lexically
    inside the body of an active span (`with ...start_as_current_span(...)`,
    `with use_span(...)`): a start there has the current span as its parent."""
    stack: list[tuple[cst.CSTNode, bool]] = [(child, False) for child in children(node.body)]
    while stack:
        current, in_span = stack.pop()
        if isinstance(current, cst.Call) and not in_span:
            yield current
        if isinstance(current, cst.ClassDef):
            continue
        if isinstance(current, NESTED_SCOPES) and not isinstance(current, (cst.FunctionDef, cst.Lambda)):
            continue
        if isinstance(current, (cst.FunctionDef, cst.Lambda)):
            in_span = False  # runs later, maybe elsewhere
        if isinstance(current, cst.With) and any(
            isinstance(item.item, cst.Call) and attribute_name(item.item.func) in SPAN_CONTEXT_MANAGERS
            for item in current.items
        ):
            stack.extend((child, child is current.body or in_span) for child in children(current))
            continue
        stack.extend((child, in_span) for child in children(current))
