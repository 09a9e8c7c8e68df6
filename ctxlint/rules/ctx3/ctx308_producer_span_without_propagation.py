"""CTX308 producer-span-without-propagation."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import attribute_name, keyword, own_descendants, source
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx3.carriers import injected_carrier, trace_header_key
from ctxlint.semantics import boundaries as sem
from ctxlint.semantics.otel import SPAN_STARTERS


class ProducerSpanWithoutPropagation(Rule):
    """## What it does
    Reports the publish call made inside a producer span (`start_as_current_span(...,
    kind=SpanKind.PRODUCER)`, Sentry's `start_span(op="queue.submit.<broker>")` or
    `op=OP.QUEUE_SUBMIT_*`) when nothing in the function puts the trace context on the
    message: no `inject`, no Sentry `get_traceparent()`/`get_baggage()`/
    `iter_trace_propagation_headers()`, no trace-header write, no project function that
    injects.

    ## Why is this bad?
    A producer span exists so that the consumer's work can be joined to it. If the
    message goes out without trace headers, the worker starts every task as a new trace:
    the request that queued the task and the task itself cannot be seen together, and the
    producer span has no children.
    """

    code = "CTX308"
    name = "producer-span-without-propagation"
    triggers = ("start_span", "start_as_current_span", "start_child", "start_transaction")
    requires = (("PRODUCER", "QUEUE_SUBMIT", "QUEUE_PUBLISH", "queue"),)
    example = """
    from huey.api import Huey
    from sentry_sdk import Hub

    def patch_enqueue():
        original = Huey.enqueue

        def traced_enqueue(self, task):
            with Hub.current.start_span(op="queue.submit.huey", description=task.name):
                return original(self, task)

        Huey.enqueue = traced_enqueue
    """
    use_instead = """
    from huey.api import Huey
    from sentry_sdk import Hub
    from sentry_sdk.api import get_baggage, get_traceparent

    def patch_enqueue():
        original = Huey.enqueue

        def traced_enqueue(self, task):
            with Hub.current.start_span(op="queue.submit.huey", description=task.name):
                task.kwargs["sentry_headers"] = {"sentry-trace": get_traceparent(), "baggage": get_baggage()}
                return original(self, task)

        Huey.enqueue = traced_enqueue
    """
    known_limits = """
    The publish call is the call the block ends with (returned, awaited or called as the
    last statement). Calls of HTTP clients and message producers that ctxlint knows are
    left to CTX301 and CTX303, which consult the instrumentation inventory; a Celery
    publish (`apply_async`, `send_task`, `delay`) counts as propagated when Celery is
    instrumented. Propagation done by the callee (a wrapper that injects inside the
    function it calls) is seen only when that function is a project injector.
    Unlike CTX301-CTX304, this rule does not need an OpenTelemetry project with its own
    tracing set-up: it fires only where the code itself propagates (OpenTelemetry, Sentry
    or OpenTracing-style tracers), which says the process is traced.
    """

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            label = self._producer_span(item.item)
            if label is None:
                continue
            function = self.model.def_function
            if self._propagates(function.node if function is not None else node.body):
                return
            publish = _last_call(node.body)
            if publish is None or self._left_to_others(publish):
                return
            self.report(
                publish,
                f"`{source(publish.func)}(...)` publishes inside the producer span `{label}` without trace "
                f"headers: the consumer cannot continue this trace; put the trace context on the message "
                f"(`propagate.inject(headers)`, or Sentry's `get_traceparent()` and `get_baggage()`)",
            )
            return

    def _producer_span(self, expression: cst.BaseExpression) -> Optional[str]:
        if not isinstance(expression, cst.Call):
            return None
        called = attribute_name(expression.func)
        if called in SPAN_STARTERS:
            kind = keyword(expression, "kind")
            if kind is not None and attribute_name(kind.value) == sem.PRODUCER_KIND:
                return source(expression)
        if called in sem.SENTRY_SPAN_STARTERS:
            op = keyword(expression, "op")
            value = op.value if op is not None else None
            if isinstance(value, cst.SimpleString):
                text = value.evaluated_value
                if isinstance(text, str) and text.startswith(sem.PRODUCER_OPS):
                    return source(expression)
            elif value is not None and (attribute_name(value) or "").startswith(sem.PRODUCER_OP_CONSTANTS):
                return source(expression)
        return None

    def _propagates(self, body: cst.CSTNode) -> bool:
        injectors = self.context.facts.injectors
        for inner in own_descendants(body):
            if isinstance(inner, cst.Call):
                called = attribute_name(inner.func)
                if called in sem.TRACE_HEADER_SOURCES or called in injectors:
                    return True
                if injected_carrier(inner, self.model) is not None:
                    return True
            elif isinstance(inner, cst.Subscript):
                if any(
                    isinstance(element.slice, cst.Index) and trace_header_key(element.slice.value)
                    for element in inner.slice
                ):
                    return True
            elif isinstance(inner, cst.DictElement) and trace_header_key(inner.key):
                return True
        return False

    def _left_to_others(self, publish: cst.Call) -> bool:
        """Calls CTX301/CTX303 judge with the inventory, and instrumented Celery publishes."""
        path = self.model.resolve(publish.func) or ""
        if path.split(".", 1)[0] in sem.BOUNDARY_PACKAGES:
            return True
        if attribute_name(publish.func) in sem.CELERY_PUBLISH:
            return self.context.facts.instrumentation("celery") is not None
        return False


def _last_call(body: cst.BaseSuite) -> Optional[cst.Call]:
    """The call a block ends with: `return f(...)`, `await f(...)`, `f(...)`, `x = f(...)`."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    for statement in reversed(statements):
        if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return None
        for small in reversed(statement.body):
            value = None
            if isinstance(small, (cst.Return, cst.Expr)):
                value = small.value
            elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                value = small.value
            if isinstance(value, cst.Await):
                value = value.expression
            if isinstance(value, cst.Call):
                return value
            return None
    return None
