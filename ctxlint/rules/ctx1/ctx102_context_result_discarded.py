"""CTX102 context-result-discarded."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.syntax import source
from ctxlint.rules.base import Rule
from ctxlint.semantics import otel


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
