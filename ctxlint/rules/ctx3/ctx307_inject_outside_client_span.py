"""CTX307 inject-outside-client-span."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import attribute_name, keyword, positional, source
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx3.carriers import FunctionFlow, ReadsCarrierWrites, flow, root_name
from ctxlint.semantics import boundaries as sem
from ctxlint.semantics.otel import SPAN_STARTERS


class InjectOutsideClientSpan(ReadsCarrierWrites, Rule):
    """## What it does
    Reports `inject(carrier)` run before the `CLIENT` or `PRODUCER` span of the call that
    sends the carrier has started: the carrier is used inside a later
    `with tracer.start_as_current_span(..., kind=SpanKind.CLIENT):` block of the same
    function.

    ## Why is this bad?
    `inject` writes the span that is current *when it runs*. Injected before the client
    span starts, the headers name the enclosing span as the parent: the receiver's spans
    hang off the caller's outer span, the client span has no children, and the trace no
    longer shows which call led to the work on the other side.
    """

    code = "CTX307"
    name = "inject-outside-client-span"
    triggers = ("inject",)
    requires = (("CLIENT", "PRODUCER"),)
    example = """
    import json

    import boto3
    from opentelemetry import trace
    from opentelemetry.propagate import inject

    tracer = trace.get_tracer(__name__)
    lambda_client = boto3.client("lambda")

    def invoke_worker(payload):
        carrier = {}
        inject(carrier)
        with tracer.start_as_current_span("lambda.Invoke", kind=trace.SpanKind.CLIENT):
            return lambda_client.invoke(FunctionName="worker", Payload=json.dumps({"headers": carrier, **payload}))
    """
    use_instead = """
    import json

    import boto3
    from opentelemetry import trace
    from opentelemetry.propagate import inject

    tracer = trace.get_tracer(__name__)
    lambda_client = boto3.client("lambda")

    def invoke_worker(payload):
        with tracer.start_as_current_span("lambda.Invoke", kind=trace.SpanKind.CLIENT):
            carrier = {}
            inject(carrier)
            return lambda_client.invoke(FunctionName="worker", Payload=json.dumps({"headers": carrier, **payload}))
    """
    known_limits = """
    Only one function is read: the inject and the `with` block of the client or producer
    span must both be in it, and the carrier must be named in that block. Spans started
    with `start_span` and made current with `use_span` are recognised when the `with`
    names the `start_span(..., kind=...)` call itself. An inject given its context
    (`inject(carrier, context=...)`, OpenTracing's `inject(span_context, format, carrier)`)
    names its parent itself, and a baggage-only propagator writes no parent: neither is
    reported.
    Unlike CTX301-CTX304, this rule does not need an OpenTelemetry project with its own
    tracing set-up: it fires only where the code itself propagates (OpenTelemetry, Sentry
    or OpenTracing-style tracers), which says the process is traced.
    """

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.may_write(node):
            return
        found = flow(node, self.context, self.model)
        for write in found.writes:
            if write.kind != "inject" or _explicit_parent(write.node):
                continue
            owner = root_name(write.carrier)
            if owner is None or self._inside_outbound_span(write.node, found) is not None:
                continue
            later = self._later_span_using(owner, write.index, found)
            if later is None:
                continue
            span, kind = later
            self.report(
                write.node,
                f"`{source(write.node)}` runs before the {kind} span `{source(span)}` starts, and `{owner}` is sent "
                f"inside it: the receiver continues the enclosing span instead of the {kind} span; inject inside "
                f"the `with` block, right before the call",
            )

    def _inside_outbound_span(self, node: cst.CSTNode, found: FunctionFlow) -> Optional[cst.Call]:
        for ancestor in found.ancestors(node):
            if isinstance(ancestor, cst.With):
                for item in ancestor.items:
                    if _outbound_kind(item.item) is not None:
                        return item.item  # type: ignore[return-value]
        return None

    def _later_span_using(self, owner: str, after: int, found: FunctionFlow) -> Optional[tuple[cst.Call, str]]:
        for with_node in _withs(found):
            if found.index(with_node) <= after:
                continue
            for item in with_node.items:
                kind = _outbound_kind(item.item)
                if kind is not None and found.uses(owner, with_node.body):
                    return item.item, kind  # type: ignore[return-value]
        return None


def _explicit_parent(call: cst.CSTNode) -> bool:
    """`inject(carrier, context=ctx)`, `inject(carrier, ctx)`, OpenTracing's
    `tracer.inject(span_context, Format.X, carrier)`: the parent is named; a baggage-only
    propagator (`W3CBaggagePropagator().inject`) writes no parent at all."""
    assert isinstance(call, cst.Call)
    if keyword(call, "context") is not None or positional(call, 1) is not None:
        return True
    receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
    while isinstance(receiver, cst.Call):
        receiver = receiver.func
    return "baggage" in (attribute_name(receiver) or "").lower() if receiver is not None else False


def _withs(found: FunctionFlow) -> list[cst.With]:
    """The function's `with` statements, in source order."""
    withs = {id(parent): parent for parent in found.parents.values() if isinstance(parent, cst.With)}
    return sorted(withs.values(), key=found.index)


def _outbound_kind(expression: cst.BaseExpression) -> Optional[str]:
    """"CLIENT"/"PRODUCER" for `start_as_current_span(name, kind=SpanKind.CLIENT)`."""
    if not isinstance(expression, cst.Call) or attribute_name(expression.func) not in SPAN_STARTERS:
        return None
    kind = keyword(expression, "kind") or positional(expression, 2)
    name = attribute_name(kind.value) if kind is not None else None
    return name if name in sem.OUTBOUND_SPAN_KINDS else None
