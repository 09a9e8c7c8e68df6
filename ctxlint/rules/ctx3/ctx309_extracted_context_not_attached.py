"""CTX309 extracted-context-not-attached."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import attribute_name, keyword, own_descendants, source
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx1.shared import parent_argument, values_of
from ctxlint.semantics import otel


class ExtractedContextNotAttached(Rule):
    """## What it does
    Reports a span started with `context=` set to a context extracted from an incoming
    carrier (`propagate.extract(headers)`, the global propagator's `extract`) when the
    function never attaches that context (`context.attach(ctx)`).

    ## Why is this bad?
    `context=` only chooses the span's parent. The rest of what the caller propagated,
    W3C baggage above all, stays in the extracted context and never becomes current: the
    handler's `baggage.get_baggage(...)` finds nothing, and the calls it makes send no
    baggage on to the next service. OpenTelemetry's own Celery and AWS Lambda
    instrumentations shipped this bug and fixed it by attaching the extracted context
    before the span starts (opentelemetry-python-contrib #2385, #2589).
    """

    code = "CTX309"
    name = "extracted-context-not-attached"
    triggers = ("extract",)
    requires = (("start_span", "start_as_current_span"),)
    example = """
    from opentelemetry import trace
    from opentelemetry.propagate import extract

    tracer = trace.get_tracer(__name__)

    def traced(handler):
        def wrapper(request):
            parent = extract(request.headers)
            with tracer.start_as_current_span("handle", context=parent, kind=trace.SpanKind.SERVER):
                return handler(request)

        return wrapper
    """
    use_instead = """
    from opentelemetry import context, trace
    from opentelemetry.propagate import extract

    tracer = trace.get_tracer(__name__)

    def traced(handler):
        def wrapper(request):
            token = context.attach(extract(request.headers))
            try:
                with tracer.start_as_current_span("handle", kind=trace.SpanKind.SERVER):
                    return handler(request)
            finally:
                context.detach(token)

        return wrapper
    """
    known_limits = """
    The extraction must be in the function that starts the span (inline, or assigned to a
    name there); a context extracted elsewhere and handed in is not followed. Any
    `context.attach(...)` of that name, or of a context built from it, in the same function
    counts as attached. Extractors are OpenTelemetry's global propagator
    (`propagate.extract`, `get_global_textmap().extract`); a
    `TraceContextTextMapPropagator` carries only the parent, and other tracers' are not
    checked. Reported only when the span's work may use what was lost: it calls a callable
    the function or its object was given (the handler an instrumentation wraps, a
    middleware's `self.app`), leaves the span current past the function (a bare
    `__enter__()`), or reads baggage or injects itself; the callees of the work are not
    followed. A deliberately detached span (a consumer whose handler must not see the
    producer's baggage) is reported all the same: silence it with `# noqa: CTX309` and say
    why.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if attribute_name(node.func) not in otel.SPAN_STARTERS:
            return
        found = parent_argument(node, self.model)
        if found is None or found[1] != "starts":
            return
        kind = keyword(node, "kind")
        if kind is not None and attribute_name(kind.value) in OUTGOING_KINDS:
            return  # a span for an outgoing call parented on an extraction: CTX1's business
        parent = found[0]
        extracted = self._extracted(parent)
        if extracted is None or self._attached(parent):
            return
        work = self._work_that_may_use_it(node)
        if work is None:
            return
        name = f"`{source(parent)}`" if isinstance(parent, cst.Name) else "the extracted context"
        attach = f"token = context.attach({source(parent) if isinstance(parent, cst.Name) else 'ctx'})"
        self.report(
            node,
            f"`{attribute_name(node.func)}(context=...)` takes its parent from {extracted}, but {name} is never "
            f"attached: the span joins the caller's trace, yet the baggage the caller propagated (and anything "
            f"else in the carrier) is not current in {work}, nor sent on from it; attach it before the span "
            f"(`{attach}`) and detach it when the work ends",
        )

    def _work_that_may_use_it(self, start: cst.Call) -> Optional[str]:
        """What runs under the span and may read or send on the baggage: the caller's
        code (a callable the function was given), code after the function returns (the
        span made current by a bare `__enter__()`), or the function's own baggage reads and
        injections. A span around code that does none of these loses nothing."""
        function = self.model.def_function
        if function is None:
            return None
        body = _with_body(start, self.model) or function.node
        for node in own_descendants(body):
            if not isinstance(node, cst.Call):
                continue
            path = self.model.resolve(node.func) or ""
            if path in BAGGAGE_READERS or path in otel.INJECTORS:
                return f"the function's own `{source(node.func)}`"
            if isinstance(node.func, cst.Name):
                binding = self.model.lookup(node.func.value)
                if binding is not None and isinstance(binding.node, cst.Param):
                    return f"the caller's `{node.func.value}`"
            elif self._given_callable(node.func, function):
                return f"`{source(node.func)}`, the code the object wraps"
            if attribute_name(node.func) == "__enter__" and body is function.node:
                return "the code that runs after this function, under the span it leaves current"
        return None

    def _given_callable(self, func: cst.BaseExpression, function) -> bool:
        """`self.app(...)`: a callable `__init__` was given (a middleware's application)."""
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self"):
            return False
        cls = function.enclosing_class
        if cls is None or not isinstance(cls.node, cst.ClassDef):
            return False
        for init in cls.node.body.body:
            if isinstance(init, cst.FunctionDef) and init.name.value == "__init__":
                params = {p.name.value for p in (*init.params.posonly_params, *init.params.params, *init.params.kwonly_params)}
                for node in own_descendants(init):
                    if (
                        isinstance(node, cst.Assign)
                        and isinstance(node.value, cst.Name)
                        and node.value.value in params
                        and any(
                            isinstance(t.target, cst.Attribute) and source(t.target) == source(func)
                            for t in node.targets
                        )
                    ):
                        return True
        return False

    def _extracted(self, parent: cst.BaseExpression) -> Optional[str]:
        """`extract(...)` the parent is (or is assigned from in this function)."""
        for value in values_of(parent, self.model, self.context):
            if isinstance(value, cst.BooleanOperation):
                value = value.left  # `extract(carrier) or None`
            if isinstance(value, cst.Call) and (self.model.resolve(value.func) or "") in GLOBAL_EXTRACTORS:
                return f"`{source(value.func)}(...)`"
        return None

    def _attached(self, parent: cst.BaseExpression) -> bool:
        """The function attaches the parent, or a context built from it."""
        if not isinstance(parent, cst.Name):
            return False
        function = self.model.def_function
        if function is None:
            return False
        for node in own_descendants(function.node):
            if isinstance(node, cst.Call) and (self.model.resolve(node.func) or "") == otel.ATTACH:
                if any(isinstance(n, cst.Name) and n.value == parent.value for n in own_descendants(node)):
                    return True
        return False


# The global propagator (W3C trace context and baggage by default) carries more than the
# parent; a `TraceContextTextMapPropagator` alone carries only the parent.
GLOBAL_EXTRACTORS = frozenset({"opentelemetry.propagate.extract", "opentelemetry.propagate.get_global_textmap().extract"})
OUTGOING_KINDS = frozenset({"PRODUCER", "CLIENT"})
BAGGAGE_READERS = frozenset({"opentelemetry.baggage.get_baggage", "opentelemetry.baggage.get_all"})


def _with_body(call: cst.Call, model) -> Optional[cst.BaseSuite]:
    """The body of the `with` whose item is `call`, if it is one."""
    for ancestor in reversed(model.ancestors):
        if isinstance(ancestor, cst.With):
            return ancestor.body if any(item.item is call for item in ancestor.items) else None
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
            return None
    return None
