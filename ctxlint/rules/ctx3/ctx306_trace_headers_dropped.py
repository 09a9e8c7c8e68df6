"""CTX306 trace-headers-dropped."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import keyword, source
from ctxlint.rules.base import Rule, TextTrigger, WholeName
from ctxlint.rules.ctx3.carriers import (
    FunctionFlow,
    ReadsCarrierWrites,
    Write,
    flow,
    is_fresh_empty,
    mapping_get,
    root_name,
)
from ctxlint.semantics import boundaries as sem


class TraceHeadersDropped(ReadsCarrierWrites, Rule):
    """## What it does
    Reports hand-written propagation whose trace headers never reach the receiver: the
    carrier given to `inject()` is a function; it is message headers that are `None`
    (`pika.BasicProperties()` without `headers=`) or headers taken from the caller's
    keyword arguments that are `None` when the caller passed none; it is a fresh default
    (`kwargs.get("headers", {})`) that is never put back into the arguments that are sent;
    it is passed to a client under a keyword the client does not read headers from; it is
    filled only when the span is recording (`if span.is_recording(): inject(...)`); or the
    trace headers are merged with `dict.update` over the caller's own headers, replacing
    the caller's `baggage`.

    ## Why is this bad?
    The receiver continues a trace only from the headers that actually arrive. Each of
    these shapes sends the request or message without them (or, for `inject(None)`, fails
    with `TypeError` once a span is recording), so the other side starts a new trace. An
    unsampled trace must still send its `traceparent`, with the sampled flag off: without
    it the receiver makes its own sampling decision in a new trace. `update()` keeps only
    one `baggage` header: entries the caller (or another tracer) put there are lost.
    """

    code = "CTX306"
    name = "trace-headers-dropped"
    # an inject, a call returning trace headers, or a trace header's name (a string or a
    # constant, hyphenated or not) in the text
    triggers = tuple(WholeName(name) for name in sorted({*sem.INJECT_METHODS, *sem.TRACE_HEADER_SOURCES}))
    text_trigger = TextTrigger(("race", "baggage", "b3"), re.compile(sem.TRACE_HEADER_KEY.replace("^b3$", r"\bb3\b")))
    example = """
    import pika
    from opentelemetry import propagate, trace

    tracer = trace.get_tracer(__name__)

    def publish_invoice(channel, body, properties=None):
        if properties is None:
            properties = pika.BasicProperties()
        with tracer.start_as_current_span("invoices send", kind=trace.SpanKind.PRODUCER):
            propagate.inject(properties.headers)
            channel.basic_publish(exchange="", routing_key="invoices", body=body, properties=properties)
    """
    use_instead = """
    import pika
    from opentelemetry import propagate, trace

    tracer = trace.get_tracer(__name__)

    def publish_invoice(channel, body, properties=None):
        if properties is None:
            properties = pika.BasicProperties(headers={})
        if properties.headers is None:
            properties.headers = {}
        with tracer.start_as_current_span("invoices send", kind=trace.SpanKind.PRODUCER):
            propagate.inject(properties.headers)
            channel.basic_publish(exchange="", routing_key="invoices", body=body, properties=properties)
    """
    known_limits = """
    Only what one function does with its carrier is followed: a carrier that is built in
    one function and sent by another is not checked. Reported at the call that sends the
    request or message (the first call after the inject that is given the carrier or its
    owner, or the call forwarding `**kwargs`), at the `inject` itself for a function
    carrier, and at the `update` call for a replaced `baggage`. Message headers that may be
    `None` are known for pika's `BasicProperties` only. The wrong-keyword check knows the
    clients that take unknown keywords into the request body (openai < 1.0). An `update`
    counts as replacing the caller's baggage when the headers come from the caller
    (`kwargs.get("headers")`, a parameter) and the function never names `baggage`.
    Unlike CTX301-CTX304, this rule does not need an OpenTelemetry project with its own
    tracing set-up: it fires only where the code itself propagates (OpenTelemetry, Sentry
    or OpenTracing-style tracers), which says the process is traced.
    """

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.may_write(node):
            return
        found = flow(node, self.context, self.model)
        if not found.writes:
            return
        reported: set[int] = set()
        for write in found.writes:
            result = self._check(write, found)
            if result is not None and id(result[0]) not in reported:
                reported.add(id(result[0]))
                self.report(result[0], result[1])

    def _check(self, write: Write, found: FunctionFlow) -> Optional[tuple[cst.CSTNode, str]]:
        if write.kind == "merge":
            return self._overwrite(write, found)
        carrier = write.carrier
        shown = source(carrier)
        # a function (the pre-1.0 `inject(setter, carrier)` order) is not a carrier
        if write.kind == "inject":
            function = self._function(carrier)
            if function is not None:
                return write.node, (
                    f"`{source(write.node)}` is given {function} as its carrier: the trace context is written "
                    f"into that object, not into the headers that are sent; pass the headers first "
                    f"(`inject(headers, setter=...)`)"
                )
        # message headers that are None unless set
        if (
            isinstance(carrier, cst.Attribute)
            and carrier.attr.value == sem.HEADERS_ATTRIBUTE
            and isinstance(carrier.value, cst.Name)
        ):
            owner = carrier.value.value
            factory = self._none_headers_factory(owner, found)
            if factory is not None and (owner, sem.HEADERS_ATTRIBUTE) not in found.attribute_stores:
                send = found.sends_after(owner, write.index, exclude=(write.node,))
                return (send or write.node), (
                    f"`{shown}` may be None (`{factory}` without `headers=`): no trace context is written into it, "
                    f"so {self._what(send)} goes out without trace headers; create it with `headers={{}}` and set "
                    f"`{shown} = {{}}` when it is None"
                )
        if isinstance(carrier, cst.Name):
            result = self._from_caller_arguments(write, carrier.value, found)
            if result is not None:
                return result
            result = self._wrong_keyword(write, carrier.value, found)
            if result is not None:
                return result
        guard = self._recording_guard(write, found)
        if guard is not None:
            owner = root_name(carrier)
            later = [w for w in found.writes if w is not write and root_name(w.carrier) == owner]
            if owner is not None and not any(self._recording_guard(w, found) is None for w in later):
                send = found.sends_after(owner, write.index, exclude=(write.node,))
                return (send or write.node), (
                    f"the trace context is written into `{shown}` only when `{source(guard)}`: for an unsampled "
                    f"trace {self._what(send)} carries no `traceparent`, and the receiver starts a new trace "
                    f"with its own sampling decision; inject unconditionally"
                )
        return None

    # ------------------------------------------------------------ the reasons

    def _function(self, carrier: cst.BaseExpression) -> Optional[str]:
        if isinstance(carrier, cst.Lambda):
            return "a lambda"
        if isinstance(carrier, cst.Name):
            binding = self.model.lookup(carrier.value)
            if binding is not None and isinstance(binding.node, cst.FunctionDef):
                return f"the function `{carrier.value}`"
        return None

    def _none_headers_factory(self, owner: str, found: FunctionFlow) -> Optional[str]:
        for value in found.bindings.get(owner, []):
            if not isinstance(value, cst.Call):
                continue
            path = self.model.resolve(value.func) or ""
            if path not in sem.NONE_HEADER_FACTORIES:
                continue
            given = keyword(value, sem.HEADERS_ATTRIBUTE)
            if given is None or (isinstance(given.value, cst.Name) and given.value.value == "None"):
                return f"{source(value.func)}()"
        return None

    def _from_caller_arguments(self, write: Write, name: str, found: FunctionFlow) -> Optional[tuple[cst.CSTNode, str]]:
        """`headers = kwargs.get("headers")` (None when the caller gave none) or
        `kwargs.get("headers", {})` (a new dict nobody sends)."""
        values = found.bindings.get(name, [])
        if not values:
            return None
        sources: list[tuple[str, str]] = []  # ("none" | "fresh", the dict)
        for value in values:
            for option in _alternatives(value):
                got = mapping_get(option)
                if got is not None:
                    mapping, default = got
                    if default is None or (isinstance(default, cst.Name) and default.value == "None"):
                        sources.append(("none", mapping))
                    elif is_fresh_empty(default):
                        sources.append(("fresh", mapping))
                elif isinstance(option, cst.BooleanOperation) and isinstance(option.operator, cst.Or):
                    left = mapping_get(option.left)
                    if left is not None and is_fresh_empty(option.right):
                        sources.append(("fresh", left[0]))
                elif is_fresh_empty(option) and len(values) > 1:
                    sources.append(("replaced", ""))
        if not sources:
            return None
        kinds = {kind for kind, _ in sources}
        mapping = next((m for kind, m in sources if kind != "replaced"), None)
        if mapping is None:
            return None  # only rebound to new empty dicts: nothing of the caller's to lose
        if self._written_back(name, mapping, found):
            return None
        direct = found.sends_after(name, write.index, exclude=(write.node,))
        if kinds == {"none"}:
            send = direct or found.forwards_after(mapping, write.index)
            if send is None:
                return None
            return send, (
                f"`{name}` comes from `{mapping}.get(...)` and is None when the caller passed no headers: the "
                f"trace context is not written, and {self._what(send)} goes out without it; when it is None, "
                f"start from a new dict and put it back (`{mapping}[...] = {name}`)"
            )
        if "fresh" in kinds and direct is None:
            send = found.forwards_after(mapping, write.index)
            if send is None:
                return None
            return send, (
                f"when the caller passed no headers, `{name}` is a new object that {self._what(send)} never "
                f"receives: the injected trace context is dropped; put it back (`{mapping}[...] = {name}`)"
            )
        return None

    @staticmethod
    def _written_back(name: str, mapping: str, found: FunctionFlow) -> bool:
        for root, _key, value in found.subscript_stores:
            if root == mapping and isinstance(value, cst.Name) and value.value == name:
                return True
        for call in found.calls:
            func = call.func
            if (
                isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.value.value == mapping
                and func.attr.value in ("setdefault", "update", "__setitem__")
                and any(found.uses(name, arg.value) for arg in call.args)
            ):
                return True
        return False

    def _wrong_keyword(self, write: Write, name: str, found: FunctionFlow) -> Optional[tuple[cst.CSTNode, str]]:
        for call in found.calls:
            if found.index(call) <= write.index:
                continue
            path = self.model.resolve(call.func) or ""
            expected = sem.HEADER_KEYWORD_OF.get(path)
            if expected is None:
                continue
            for arg in call.args:
                if (
                    arg.keyword is not None
                    and arg.keyword.value != expected
                    and arg.keyword.value in sem.HEADER_LIKE_KEYWORDS
                    and found.uses(name, arg.value)
                ):
                    return call, (
                        f"`{path}` reads request headers from `{expected}=`, not `{arg.keyword.value}=`: the trace "
                        f"context in `{name}` is sent as request data, not as headers; pass `{expected}={name}`"
                    )
        return None

    @staticmethod
    def _recording_guard(write: Write, found: FunctionFlow) -> Optional[cst.BaseExpression]:
        """The `if` test that lets the write run only for a recording span."""
        previous: cst.CSTNode = write.node
        for ancestor in found.ancestors(write.node):
            if isinstance(ancestor, cst.If) and previous is ancestor.body:
                for inner in (ancestor.test, *cst_walk(ancestor.test)):
                    if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) and inner.func.attr.value == "is_recording":
                        if not _negated(ancestor.test, inner):
                            return ancestor.test
            previous = ancestor
        return None

    def _overwrite(self, write: Write, found: FunctionFlow) -> Optional[tuple[cst.CSTNode, str]]:
        """`headers.update(trace_headers)` over headers the caller passed in."""
        if "baggage" in found.strings:
            return None  # the function handles the baggage header itself
        target = write.carrier
        if not self._from_caller(target, found, depth=0):
            return None
        return write.node, (
            f"`{source(write.node)}` replaces a `baggage` header the caller may already have set with this "
            f"tracer's: the caller's baggage entries are lost; merge both values into one comma-separated "
            f"`baggage` header"
        )

    def _from_caller(self, node: cst.BaseExpression, found: FunctionFlow, depth: int) -> bool:
        """Headers the caller passed in: a parameter named like headers, or the `headers`
        entry of the caller's keyword arguments (`kwargs.get("headers")`,
        `kwargs["headers"]`, `kwargs.setdefault("headers", {})`), or an entry of those."""
        if depth > 3:
            return False
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in ("setdefault", "get"):
            key = node.args[0].value if node.args else None
            inner = node.func.value
            if isinstance(inner, cst.Name) and inner.value in found.params:
                return _headers_key(key)
            return self._from_caller(inner, found, depth + 1)
        if isinstance(node, cst.Subscript):
            inner = node.value
            key = node.slice[0].slice.value if node.slice and isinstance(node.slice[0].slice, cst.Index) else None
            if isinstance(inner, cst.Name) and inner.value in found.params:
                return _headers_key(key)
            return self._from_caller(inner, found, depth + 1)
        if not isinstance(node, cst.Name):
            return False
        name = node.value
        if name in found.params:
            return sem.HEADERS_ATTRIBUTE in name.lower()
        for value in found.bindings.get(name, []):
            for option in _alternatives(value):
                if isinstance(option, cst.BooleanOperation):
                    option = option.left
                if isinstance(option, (cst.Call, cst.Subscript)) and self._from_caller(option, found, depth + 1):
                    return True
        return False

    @staticmethod
    def _what(send: Optional[cst.Call]) -> str:
        return f"`{source(send.func)}(...)`" if send is not None else "the request or message"


def _headers_key(key: Optional[cst.BaseExpression]) -> bool:
    if isinstance(key, cst.SimpleString):
        value = key.evaluated_value
        return isinstance(value, str) and sem.HEADERS_ATTRIBUTE in value.lower()
    return False


def _alternatives(value: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The values an expression may take: both branches of `a if c else b`."""
    if isinstance(value, cst.IfExp):
        return [*_alternatives(value.body), *_alternatives(value.orelse)]
    return [value]


def _negated(test: cst.BaseExpression, call: cst.Call) -> bool:
    """`if not span.is_recording():`."""
    return isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and test.expression is call


def cst_walk(node: cst.CSTNode):
    from ctxlint.analysis.walker import iter_descendants

    return iter_descendants(node)
