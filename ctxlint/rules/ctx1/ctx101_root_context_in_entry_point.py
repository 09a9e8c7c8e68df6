"""CTX101 root-context-in-entry-point."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from ctxlint.analysis.entrypoints import parent_context_reason
from ctxlint.analysis.syntax import argument, attribute_name, is_none, keyword, source
from ctxlint.rules.base import Rule
from ctxlint.semantics import otel

_OTEL = "opentelemetry"

_CONTEXTVARS = "contextvars"

# Entry points that run inside a dispatch loop which may have a span current (consumer
# callbacks): an extraction there needs a fallback to the current context.
_MAYBE_PARENTS = re.compile(r"consumer callback|subscriber callback")

@dataclass(frozen=True)
class _Empty:
    """An expression known to evaluate to an empty (or span-only) context."""

    kind: str  # _OTEL | _CONTEXTVARS
    text: str  # how to name it in a message
    span_only: bool = False  # `set_span_in_context(span, Context())`: parents fine, drops the rest
    maybe: bool = False  # `extract(headers or {})`: empty whenever the message carries no headers

class RootContextInEntryPoint(Rule):
    """## What it does
    Reports a span started, a context attached, or work run from an **empty** context
    inside code that already has a parent: a request or message handler, a task, or the
    body of `with tracer.start_as_current_span(...)`. Empty contexts are
    `opentelemetry.context.Context()`, `contextvars.Context()`, `propagate.extract({})`
    (an extract from an empty carrier), and contexts derived from those. They are reported
    where they are used: `start_span`/`start_as_current_span(context=...)`, `attach(...)`,
    `create_task`/`call_soon`/`Thread(context=...)` and `Context().run(...)`.

    ## Why is this bad?
    A span whose parent context is empty becomes the root of a brand-new trace: the
    request's trace stops at that point and the work below it shows up as an unrelated
    trace. `propagate.extract(carrier)` starts from an empty `Context()` when no `context=`
    is given, so an extract from a carrier without `traceparent` is a root as well. An
    empty `contextvars.Context()` also drops every other context variable (request ids,
    tenants, baggage).
    """

    code = "CTX101"
    name = "root-context-in-entry-point"
    triggers = ("Context", "extract")
    modules = ("opentelemetry", "contextvars")
    example = """
    from flask import Flask
    from opentelemetry import trace
    from opentelemetry.context import Context

    app = Flask(__name__)
    tracer = trace.get_tracer(__name__)

    @app.get("/orders")
    def list_orders():
        with tracer.start_as_current_span("load-orders", context=Context()):
            return load_orders()
    """
    use_instead = """
    from flask import Flask
    from opentelemetry import trace

    app = Flask(__name__)
    tracer = trace.get_tracer(__name__)

    @app.get("/orders")
    def list_orders():
        with tracer.start_as_current_span("load-orders"):
            return load_orders()
    """
    fix_doc = """
    None. Drop `context=` to continue the current trace, or pass
    `links=[trace.Link(trace.get_current_span().get_span_context())]` if a separate trace
    is really intended: a linked root is not reported.
    """
    known_limits = """
    Only code with a known parent is checked: entry points (route decorators,
    class-based views, gRPC servicers, Celery/Dramatiq tasks, AWS Lambda handlers, message
    consumer callbacks, `entry-point-decorators`) and the body of an active span. Helpers
    that deliberately start a fresh trace (`def root_span(name)`) are not entry points and
    are not reported; neither are module-level code and `main()`. A variable counts as
    empty only when it is assigned once in its function. An extract counts as empty only
    for a literal empty carrier (`{}`, `dict()`). `set_span_in_context(span, Context())`
    still parents a span correctly, so it is reported only where it is attached or run (it
    drops baggage there).
    """

    def visit_Call(self, node: cst.Call) -> None:
        sink = self._sink(node)
        if sink is None:
            return
        given, kind, verb = sink
        empty = _empty_context(given, self.model, spans=verb != "starts")
        if empty is None or empty.kind != kind:
            return
        links = keyword(node, "links")
        if links is not None and not is_none(links.value):
            return  # a deliberate new trace, linked to the parent
        function = self.model.def_function
        if function is None or function.name == "main":
            return  # module level and `main()`: nothing came before
        reason = parent_context_reason(self.model, self.context.settings, self.context.path)
        if reason is None:
            return
        called = source(node.func)
        where = f"where a parent exists ({reason})"
        if empty.maybe:
            # A handler's own extraction is usually the incoming trace's only parent. It
            # must fall back where a span is current: in a span's body, and in a tracing
            # wrapper of a consumer callback, which runs the caller's callback inside
            # whatever span the caller's consume loop has open.
            if not (reason.startswith("inside `with") or (_MAYBE_PARENTS.search(reason) and self._wraps_callback())):
                return
            self.report(
                node,
                f"`{called}` may start a new trace: `{empty.text}` is an empty context whenever the message "
                f"carries no trace headers, and it replaces the current context {where}; fall back to the "
                f"current context (`extract(...) or None`)",
            )
            return
        if verb == "starts":
            message = (
                f"`{called}` starts a new trace from an empty context (`{empty.text}`) {where}; drop `context=` "
                f"to continue the current trace, or pass `links=[...]` if a new trace is intended"
            )
        elif kind == _OTEL:
            what, dropped = (
                ("a context holding only that span", "baggage and other context values are")
                if empty.span_only
                else ("an empty context", "the current trace and baggage are")
            )
            message = (
                f"`{called}` makes {what} (`{empty.text}`) current {where}: {dropped} dropped; attach a "
                f"context derived from the current one instead"
            )
        else:
            message = (
                f"`{called}` runs work in an empty `contextvars.Context` (`{empty.text}`) {where}: the current "
                f"span and every context variable are dropped; use `contextvars.copy_context()`"
            )
        self.report(node, message)

    def _wraps_callback(self) -> bool:
        """The current function calls a parameter of a function enclosing it: it is a
        wrapper returned by a factory around the caller's callback."""
        from ctxlint.analysis.syntax import own_descendants

        function = self.model.def_function
        outer = function.parent if function is not None else None
        while outer is not None and outer.kind != "function":
            outer = outer.parent
        if function is None or outer is None:
            return False
        node = outer.node
        assert isinstance(node, cst.FunctionDef)
        params = {p.name.value for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)}
        return any(
            isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name) and inner.func.value in params
            for inner in own_descendants(function.node)
        )

    def _sink(self, node: cst.Call) -> Optional[tuple[cst.BaseExpression, str, str]]:
        """(the context argument, the context kind it takes, "starts" | "attaches" | "runs")."""
        func = node.func
        last = attribute_name(func)
        if isinstance(func, cst.Attribute) and last in otel.SPAN_STARTERS:
            given = argument(node, *otel.SPAN_STARTERS[last])
            return (given.value, _OTEL, "starts") if given is not None else None
        if last == "run" and isinstance(func, cst.Attribute) and keyword(node, "context") is None:
            return func.value, _CONTEXTVARS, "runs"
        if last in otel.CONTEXTVARS_CONTEXT_TAKERS:
            given = keyword(node, "context")
            return (given.value, _CONTEXTVARS, "runs") if given is not None else None
        if last == "attach" and self.model.resolve(func) == otel.ATTACH:
            given = argument(node, "context", 0)
            return (given.value, _OTEL, "attaches") if given is not None else None
        return None

def _empty_context(node: cst.BaseExpression, model, spans: bool = True, depth: int = 0) -> Optional[_Empty]:
    """What empty context `node` evaluates to, if it certainly is one.

    `spans=False` (a span's parent) does not count `set_span_in_context(span, Context())`:
    the span is still the parent there.
    """
    if depth > 4:
        return None
    if isinstance(node, cst.Name):
        binding = model.lookup(node.value)
        if binding is None or not isinstance(binding.node, cst.BaseExpression):
            return None
        found = _empty_context(binding.node, model, spans, depth + 1)
        return found if found is not None and _assigned_once(node.value, model) else None
    if not isinstance(node, cst.Call):
        return None
    path = model.resolve(node.func)
    if path in (otel.OTEL_CONTEXT, otel.CONTEXTVARS_CONTEXT) and not node.args:
        kind = _OTEL if path == otel.OTEL_CONTEXT else _CONTEXTVARS
        return _Empty(kind, source(node))
    if path in otel.EXTRACTORS:
        carrier_position, context_keyword, context_position = otel.EXTRACTORS[path]
        base = argument(node, context_keyword, context_position)
        if base is not None and not is_none(base.value):
            inner = _empty_context(base.value, model, spans, depth + 1)
            return _Empty(_OTEL, source(node)) if inner is not None and not inner.span_only else None
        carrier = argument(node, "carrier", carrier_position)
        if carrier is not None and _is_empty_literal(carrier.value, model):
            return _Empty(_OTEL, source(node))
        if carrier is not None and _may_be_empty(carrier.value, model):
            return _Empty(_OTEL, source(node), maybe=True)
        return None
    if path in otel.CONTEXT_DERIVERS:
        base = argument(node, *otel.CONTEXT_DERIVERS[path])
        if base is None or is_none(base.value):
            return None  # derived from the current context
        inner = _empty_context(base.value, model, spans, depth + 1)
        if inner is None or inner.kind != _OTEL:
            return None
        span_only = path in otel.SPAN_SETTERS or inner.span_only
        if span_only and not spans:
            return None
        return _Empty(_OTEL, source(node), span_only)
    return None

def _may_be_empty(node: cst.BaseExpression, model, depth: int = 0) -> bool:
    """`headers or {}`, `headers if headers else {}`: an empty literal on one path."""
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
        return _is_empty_literal(node.right, model)
    if isinstance(node, cst.IfExp):
        return _is_empty_literal(node.body, model) or _is_empty_literal(node.orelse, model)
    if isinstance(node, cst.Name) and depth < 2:
        binding = model.lookup(node.value)
        if binding is not None and isinstance(binding.node, cst.BaseExpression) and _assigned_once(node.value, model):
            return _may_be_empty(binding.node, model, depth + 1)
    return False


def _is_empty_literal(node: cst.BaseExpression, model) -> bool:
    """`{}` or `dict()` (the builtin, not shadowed)."""
    if isinstance(node, cst.Dict):
        return not node.elements
    return (
        isinstance(node, cst.Call)
        and not node.args
        and isinstance(node.func, cst.Name)
        and node.func.value == "dict"
        and model.lookup("dict") is None
    )

def _assigned_once(name: str, model) -> bool:
    """`name` is bound exactly once in the function (or module) that binds it."""
    from ctxlint.analysis.walker import iter_descendants

    scope = model.scope
    while scope is not None and name not in scope.bindings:
        scope = scope.parent
    if scope is None:
        return False
    # Nested scopes are counted too: a second binding anywhere only makes this say no.
    count = 0
    for child in iter_descendants(scope.node):
        target = None
        if isinstance(child, cst.AssignTarget):
            target = child.target
        elif isinstance(child, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
            target = child.target
        elif isinstance(child, (cst.For, cst.CompFor)):
            target = child.target
        elif isinstance(child, cst.AsName):
            target = child.name
        elif isinstance(child, cst.Param) and child.name.value == name:
            count += 1
        if target is not None and any(isinstance(n, cst.Name) and n.value == name for n in _target_names(target)):
            count += 1
    return count == 1

def _target_names(target: cst.BaseExpression) -> list[cst.Name]:
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        names = []
        for element in target.elements:
            value = element.value.value if isinstance(element.value, cst.StarredElement) else element.value
            names.extend(_target_names(value))
        return names
    return []
