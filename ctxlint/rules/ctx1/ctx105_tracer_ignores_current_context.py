"""CTX105 tracer-ignores-current-context."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import attribute_name, own_descendants
from ctxlint.rules.base import Rule
from ctxlint.semantics import otel

_CONTEXT_PARAMETERS = ("context", "span_context", "parent", "parent_context", "child_of")


class TracerIgnoresCurrentContext(Rule):
    """## What it does
    Reports a `Tracer` subclass whose `start_span` takes the parent only from its context
    parameter: it never reads the current context (`get_current_span()`,
    `context.get_current()`, or a helper of that name) and does not hand the parameter to
    another `start_span` or to `get_current_span(context)`, which do. Reported where the
    method first reads the parameter.

    ## Why is this bad?
    The tracer API says a span started without `context=` is a child of the current span.
    A `start_span` that treats "no context given" as "no parent" starts a new trace for
    every nested span that does not pass its parent explicitly, which is almost all of
    them: `with tracer.start_as_current_span(...)` blocks nested in a request no longer
    build one trace.
    """

    code = "CTX105"
    name = "tracer-ignores-current-context"
    triggers = ("Tracer",)
    requires = (("start_span",),)
    modules = ("opentelemetry",)
    example = """
    from opentelemetry.trace import Tracer

    class ServiceTracer(Tracer):
        def __init__(self, processor):
            self._processor = processor

        def start_span(self, name, context=None, kind=None, attributes=None, links=None,
                       start_time=None, record_exception=True, set_status_on_exception=True):
            parent = context
            return self._processor.new_span(name, parent=parent, attributes=attributes)
    """
    use_instead = """
    from opentelemetry import trace
    from opentelemetry.trace import Tracer

    class ServiceTracer(Tracer):
        def __init__(self, processor):
            self._processor = processor

        def start_span(self, name, context=None, kind=None, attributes=None, links=None,
                       start_time=None, record_exception=True, set_status_on_exception=True):
            parent = trace.get_current_span(context).get_span_context()
            return self._processor.new_span(name, parent=parent, attributes=attributes)
    """
    known_limits = """
    Only classes deriving from OpenTelemetry's `Tracer` (through a base of the same file
    too) are checked, and only their `start_span`. Any call whose name reads the current
    context counts (`get_current_span`, `get_current`, `get_value`, `current_span`,
    `active_span`), wherever it is imported from; so does passing the parameter to any
    call named `start_span` or `get_current_span`. A `start_span` that never reads its
    context parameter is not reported (a no-op tracer).
    """

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value != "start_span":
            return
        cls = self.model.scope.parent if self.model.scope.node is node else None
        if cls is None or cls.kind != "class" or not self._is_tracer(cls.node):
            return
        parameter = _context_parameter(node)
        if parameter is None:
            return
        first: Optional[cst.Name] = None
        for inner in own_descendants(node.body):
            if isinstance(inner, cst.Call):
                called = attribute_name(inner.func)
                if called in otel.CURRENT_CONTEXT_READERS:
                    return
                if called in ("start_span", "get_current_span") and any(
                    isinstance(arg.value, cst.Name) and arg.value.value == parameter for arg in inner.args
                ):
                    return
            elif isinstance(inner, cst.Name) and inner.value == parameter and first is None:
                first = inner
        if first is None:
            return
        self.report(
            first,
            f"`{self.model.scope.parent.name}.start_span` takes the parent only from `{parameter}`: a span started "
            f"without one becomes a new root although a span is current; fall back to "
            f"`trace.get_current_span().get_span_context()` when `{parameter}` is None",
        )

    def _is_tracer(self, cls: cst.CSTNode, depth: int = 0) -> bool:
        if not isinstance(cls, cst.ClassDef) or depth > 4:
            return False
        for base in cls.bases:
            if base.keyword is not None:
                continue
            if (self.model.resolve(base.value) or "") in otel.TRACER_BASES:
                return True
            if isinstance(base.value, cst.Name):
                binding = self.model.lookup(base.value.value)
                if binding is not None and isinstance(binding.node, cst.ClassDef) and self._is_tracer(binding.node, depth + 1):
                    return True
        return False


def _context_parameter(node: cst.FunctionDef) -> Optional[str]:
    """The parameter holding the parent: OpenTelemetry's `context` (third, after `self`
    and `name`), or a parent-named one."""
    params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
    for param in params:
        if param.name.value in _CONTEXT_PARAMETERS:
            return param.name.value
    if len(params) >= 3 and params[0].name.value == "self":
        return params[2].name.value
    return None
