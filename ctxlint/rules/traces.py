"""CTX1xx: severed traces — an empty root context where a parent exists, a derived
Context thrown away, a Context parameter never used.

Facts: runtime-semantics.md §B.1-§B.2 (what is empty, what only returns a Context) and
§D (entry points, via `ctxlint.entrypoints`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ctxlint.entrypoints import parent_context_reason
from ctxlint.model import dotted_name, unwrap_optional
from ctxlint.rules.base import Rule
from ctxlint.semantics import otel
from ctxlint.syntax import argument, attribute_name, is_none, keyword, source

_OTEL = "opentelemetry"
_CONTEXTVARS = "contextvars"


@dataclass(frozen=True)
class _Empty:
    """An expression known to evaluate to an empty (or span-only) context."""

    kind: str  # _OTEL | _CONTEXTVARS
    text: str  # how to name it in a message
    span_only: bool = False  # `set_span_in_context(span, Context())`: parents fine, drops the rest


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
    from ctxlint.walker import iter_descendants

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


class ContextResultDiscarded(Rule):
    """## What it does
    Reports a call whose only effect is the Context it returns, used as a bare statement:
    `trace.set_span_in_context`, `context.set_value`, `baggage.set_baggage` /
    `remove_baggage` / `clear`, `propagate.extract`, `contextvars.copy_context`.

    ## Why is this bad?
    These functions never change the current context: they build a new, immutable
    Context and return it. Thrown away, the call does nothing: the baggage is not set, the
    span is not made current, the incoming trace is not continued.
    """

    code = "CTX102"
    name = "context-result-discarded"
    triggers = (
        "set_span_in_context", "set_value", "set_baggage", "remove_baggage", "clear",
        "extract", "copy_context",
    )
    modules = ("opentelemetry", "contextvars")
    example = """
    from opentelemetry import baggage

    def tag_tenant(tenant_id):
        baggage.set_baggage("tenant.id", tenant_id)
    """
    use_instead = """
    from opentelemetry import baggage, context

    def tag_tenant(tenant_id):
        return context.attach(baggage.set_baggage("tenant.id", tenant_id))
    """
    known_limits = """
    Only bare expression statements are reported; a result assigned to a variable that is
    never used is not.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(self.model.parent, cst.Expr):
            return
        path = self.model.resolve(node.func)
        if path not in otel.RESULT_ONLY:
            return
        called = source(node.func)
        if path == otel.COPY_CONTEXT:
            remedy = "keep it and run the work with `ctx.run(...)`"
        elif path in otel.EXTRACTORS:
            remedy = "pass it as `context=` to `start_as_current_span` or `attach` it to continue the incoming trace"
        else:
            remedy = "`context.attach(...)` it (and `detach` the token) or pass it as `context=`"
        self.report(node, f"the Context returned by `{called}` is discarded, so the call has no effect; {remedy}")


@dataclass
class _Frame:
    """One `def`: its OpenTelemetry `Context` parameters, the ones used, the first sink."""

    params: frozenset
    used: set = field(default_factory=set)
    sink: Optional[str] = None  # what the function does without the parameter
    remedy: str = "pass `context={}`"


class ContextParameterIgnored(Rule):
    """## What it does
    Reports a function with a parameter annotated as an OpenTelemetry `Context` (or
    `Optional[Context]`) that starts spans, injects or attaches a context without ever
    using that parameter (the Go `contextcheck` idea).

    ## Why is this bad?
    The caller handed over the context its work belongs to, typically one extracted from
    an incoming message. Spans started without it hang off whatever happens to be current
    (often nothing: a new trace), and `inject` propagates the wrong parent.
    """

    code = "CTX103"
    name = "context-parameter-ignored"
    triggers = ("Context",)
    requires = (("start_span", "start_as_current_span", "inject", "attach"),)
    modules = ("opentelemetry",)
    example = """
    from opentelemetry import trace
    from opentelemetry.context import Context

    tracer = trace.get_tracer(__name__)

    def process(message, parent: Context):
        with tracer.start_as_current_span("process"):
            handle(message)
    """
    use_instead = """
    from opentelemetry import trace
    from opentelemetry.context import Context

    tracer = trace.get_tracer(__name__)

    def process(message, parent: Context):
        with tracer.start_as_current_span("process", context=parent):
            handle(message)
    """
    known_limits = """
    Any mention of the parameter counts as a use (passed on, tested, reassigned). A
    parameter whose name starts with `_` is taken as deliberately unused. Only the
    function's own body counts as starting spans; nested functions are checked on their own.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        self._frames: list[Optional[_Frame]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        names = frozenset(
            param.name.value
            for param in params
            if param.annotation is not None
            and not param.name.value.startswith("_")
            and self._is_context_annotation(param.annotation.annotation)
        )
        self._frames.append(_Frame(names) if names else None)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self._frames.pop()
        if frame is None or frame.sink is None:
            return
        unused = sorted(frame.params - frame.used)
        if not unused:
            return
        param = unused[0]
        self.report(
            node.name,
            f"`{node.name.value}` takes the OpenTelemetry Context `{param}` but {frame.sink} without it; "
            + frame.remedy.format(param),
        )

    def visit_Name(self, node: cst.Name) -> None:
        if not any(frame is not None and node.value in frame.params for frame in self._frames):
            return
        parent = self.model.parent
        if isinstance(parent, cst.Param) and parent.name is node:
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        for frame in self._frames:
            if frame is not None and node.value in frame.params:
                frame.used.add(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        frame = self._frames[-1] if self._frames else None
        if frame is None or frame.sink is not None:
            return
        func = node.func
        last = attribute_name(func)
        if isinstance(func, cst.Attribute) and last in otel.SPAN_STARTERS:
            frame.sink = f"starts spans (`{source(func)}`)"
            return
        path = self.model.resolve(func)
        if path in otel.INJECTORS:
            frame.sink = f"injects (`{source(func)}`)"
        elif path == otel.ATTACH:
            frame.sink = f"attaches a context (`{source(func)}`)"
            frame.remedy = "attach `{}` or a context derived from it"

    def _is_context_annotation(self, annotation: cst.BaseExpression) -> bool:
        annotation = unwrap_optional(annotation)
        if isinstance(annotation, cst.Subscript) and (dotted_name(annotation.value) or "").endswith("Union"):
            kept = [
                element.slice.value
                for element in annotation.slice
                if isinstance(element.slice, cst.Index) and not is_none(element.slice.value)
            ]
            if len(kept) != 1:
                return False
            annotation = unwrap_optional(kept[0])
        return self.model.resolve(annotation) == otel.OTEL_CONTEXT
