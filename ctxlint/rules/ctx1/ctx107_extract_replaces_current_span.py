"""CTX107 extract-replaces-current-span."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.entrypoints import active_span_reason
from ctxlint.analysis.syntax import own_descendants, source
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx1.shared import (
    extraction,
    is_empty_literal,
    parent_argument,
    values_of,
)

_MEMO = "ctxlint.ctx107.activating"


class ExtractReplacesCurrentSpan(Rule):
    """## What it does
    Reports a context extracted from incoming headers that is made current (`attach`,
    ddtrace's `context_provider.activate`) inside the body of an active span, directly or
    through a function of the same module that does it.

    ## Why is this bad?
    The span of the block is the request's span; the extracted context holds its remote
    parent. Making the extracted context current replaces the request's span: the spans
    started next become its siblings, children of the remote caller, and the request's
    own span ends up with no children. Extract once, before the request's span starts,
    and parent that span on it.
    """

    code = "CTX107"
    name = "extract-replaces-current-span"
    triggers = ("extract", "from_headers")
    requires = (("attach", "activate"),)
    example = """
    from opentelemetry import context, trace
    from opentelemetry.propagate import extract

    tracer = trace.get_tracer(__name__)

    def handle(request, view):
        with tracer.start_as_current_span("request", kind=trace.SpanKind.SERVER):
            token = context.attach(extract(request.headers))
            try:
                return view(request)
            finally:
                context.detach(token)
    """
    use_instead = """
    from opentelemetry import context, trace
    from opentelemetry.propagate import extract

    tracer = trace.get_tracer(__name__)

    def handle(request, view):
        token = context.attach(extract(request.headers))
        try:
            with tracer.start_as_current_span("request", kind=trace.SpanKind.SERVER):
                return view(request)
        finally:
            context.detach(token)
    """
    known_limits = """
    Only the lexical body of `with tracer.start_as_current_span(...)`, `with
    use_span(...)` or ddtrace's `with tracer.trace(...)` counts as an active span, and
    only functions defined at the top of the same module are followed (one call deep).
    Code that checks for a current span before extracting is not told apart.
    """

    def visit_Call(self, node: cst.Call) -> None:
        reason = None
        sink = parent_argument(node, self.model)
        if sink is not None and sink[1] == "attaches":
            if self._extracted(sink[0]) is not None:
                reason = active_span_reason(self.model)
                if reason is not None:
                    self.report(
                        node,
                        f"`{source(node)}` makes an extracted remote context current {reason}: it replaces the "
                        f"current span, and the spans started next become its siblings; extract before the span "
                        f"starts and pass it as the span's parent",
                    )
            return
        if isinstance(node.func, cst.Name) and node.func.value in self._activating_functions():
            reason = active_span_reason(self.model)
            if reason is not None:
                self.report(
                    node,
                    f"`{source(node.func)}(...)` makes a context extracted from incoming headers current {reason}: "
                    f"it replaces the current span, and the spans started next become its siblings; call it before "
                    f"the span starts",
                )

    def _extracted(self, given: cst.BaseExpression) -> Optional[cst.Call]:
        """An extraction from a real carrier (an empty one is CTX101's)."""
        for value in values_of(given, self.model, self.context):
            found = extraction(value, self.model) if isinstance(value, cst.Call) else None
            if found is not None and not (found.carrier is not None and is_empty_literal(found.carrier, self.model)):
                return value
        return None

    def _activating_functions(self) -> frozenset:
        """Module-level functions whose own body makes an extracted context current."""
        memo = self.model.module_scope.memo
        found = memo.get(_MEMO)
        if found is None:
            names = set()
            for statement in self.model.module_scope.node.body:
                if isinstance(statement, cst.FunctionDef) and self._activates(statement):
                    names.add(statement.name.value)
            found = memo[_MEMO] = frozenset(names)
        return found

    def _activates(self, function: cst.FunctionDef) -> bool:
        extracted: set[str] = set()
        for inner in own_descendants(function.body):
            if isinstance(inner, cst.Assign) and isinstance(inner.value, cst.Call):
                if extraction(inner.value, self.model) is not None:
                    extracted.update(t.target.value for t in inner.targets if isinstance(t.target, cst.Name))
            elif isinstance(inner, cst.Call):
                sink = parent_argument(inner, self.model)
                if sink is None or sink[1] != "attaches":
                    continue
                given = sink[0]
                if isinstance(given, cst.Name) and given.value in extracted:
                    return True
                if isinstance(given, cst.Call) and extraction(given, self.model) is not None:
                    return True
        return False
