"""CTX304 consumer-without-extract."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.entrypoints import handler_names
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    keyword,
    positional,
    source,
)
from ctxlint.rules.ctx3.shared import MessagingRule
from ctxlint.semantics import boundaries as sem
from ctxlint.semantics.otel import SPAN_STARTERS


class ConsumerWithoutExtract(MessagingRule):
    """## What it does
    Reports a span started while handling a received message (in a loop over a Kafka
    consumer, after `poll()`/`getone()`/`receive_message()`, in a pika `basic_consume` or
    aio-pika `queue.consume` callback) without a parent taken from the message, when the
    library is not instrumented.

    ## Why is this bad?
    The producer's trace context travels in the message headers. A span started without
    `context=propagate.extract(headers)` (or an `attach` of it) is a new root: every
    message starts a new trace, cut off from the request that produced it.
    """

    code = "CTX304"
    name = "consumer-without-extract"
    triggers = ("start_span", "start_as_current_span")
    requires = (("Consumer", "consume", "poll", "getone", "getmany", "receive_message", "iterator"),)
    example = """
    from kafka import KafkaConsumer
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    tracer = trace.get_tracer(__name__)

    def run():
        for message in KafkaConsumer("orders"):
            with tracer.start_as_current_span("process-order"):
                process(message.value)
    """
    use_instead = """
    from kafka import KafkaConsumer
    from opentelemetry import propagate, trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    tracer = trace.get_tracer(__name__)

    def run():
        for message in KafkaConsumer("orders"):
            carrier = {key: value.decode() for key, value in message.headers or []}
            with tracer.start_as_current_span("process-order", context=propagate.extract(carrier)):
                process(message.value)
    """
    known_limits = """
    Only projects that set up tracing themselves are checked (see CTX303). Only spans
    started in the consumer loop or callback itself are checked, not in the
    functions it calls. Any `extract`/`attach` in the same function, or a `context=` or
    `links=` argument, counts as a deliberate parent. kafka-python's instrumentation ends
    its span inside `__next__`, so even an instrumented loop body runs without the
    message's context: a kafka-python consumer is checked whether or not it is
    instrumented. Instrumented confluent-kafka, aiokafka, pika and aio-pika consumers give
    the loop body or callback the consume span, and are not checked.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        self._loops: dict[int, tuple[str, str]] = {}  # id(loop) -> (library, what)
        self._receiving: dict[int, tuple[str, str]] = {}  # id(function) -> (library, what)
        self._callbacks: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, name) -> (library, what)
        self._deferred: list[tuple[cst.Call, cst.FunctionDef, str]] = []  # (span, function, kind)

    def visit_For(self, node: cst.For) -> None:
        if not self.inventory_known:
            return
        library = self._consumer_iterable(node.iter)
        if library is not None:
            self._loops[id(node)] = (library, f"loop over `{source(node.iter)}`")

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        if attribute_name(node.func) in SPAN_STARTERS:
            self._span(node)
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        receiver = self.model.resolve(func.value) or ""
        received = self._receive(method, receiver, func.value)
        if received is not None:
            self._mark_region(received, f"`{source(func)}`")
            return
        callback = None
        if receiver in sem.PIKA_CHANNELS and method == sem.PIKA_CONSUME[0]:
            callback, library = self._callback_argument(node, sem.PIKA_CONSUME), "pika"
        elif receiver.startswith(sem.AIO_PIKA_PREFIX) and method == sem.AIO_PIKA_CONSUME[0]:
            callback, library = self._callback_argument(node, sem.AIO_PIKA_CONSUME), "aio-pika"
        if callback is not None:
            for handler in handler_names(callback, self.model):
                self._callbacks.setdefault(handler, (library, f"`{source(func)}` callback"))

    def leave_Module(self, node: cst.Module) -> None:
        for span, function, kind in self._deferred:
            region = self._callbacks.get((kind, function.name.value))
            if region is not None:
                self._check(span, function, region)

    # ------------------------------------------------------------ regions

    def _consumer_iterable(self, expression: cst.BaseExpression) -> Optional[str]:
        path = self.model.resolve(expression) or ""
        if path in sem.CONSUMER_ITERABLES:
            return sem.CONSUMER_ITERABLES[path]
        if path.startswith(sem.AIO_PIKA_PREFIX) and path.endswith(sem.AIO_PIKA_ITERATOR):
            return "aio-pika"
        if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
            receiver = self.model.resolve(expression.func.value) or ""
            return self._receive(expression.func.attr.value, receiver, expression.func.value)
        return None

    def _receive(self, method: str, receiver: str, receiver_node: cst.CSTNode) -> Optional[str]:
        spec = sem.CONSUMER_RECEIVES.get(receiver)
        if spec is not None and method in spec[1]:
            return spec[0]
        if receiver.startswith("boto3."):
            messaging = sem.AWS_MESSAGING.get(self.boto3_service(receiver_node) or "")
            if messaging is not None and method in messaging[1]:
                return "boto3"
        return None

    def _mark_region(self, library: str, what: str) -> None:
        """The innermost loop around a receive call handles its messages; without a loop,
        the rest of the function does."""
        for ancestor in reversed(self.model.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                if isinstance(ancestor, cst.FunctionDef):
                    region = (library, f"function `{ancestor.name.value}` after {what}")
                    self._receiving.setdefault(id(ancestor), region)
                return
            if isinstance(ancestor, (cst.For, cst.While)):
                self._loops.setdefault(id(ancestor), (library, f"loop calling {what}"))
                return

    @staticmethod
    def _callback_argument(node: cst.Call, spec: tuple) -> Optional[cst.BaseExpression]:
        _method, positions, keywords = spec
        for name in keywords:
            found = keyword(node, name)
            if found is not None:
                return found.value
        for index in positions:
            found = positional(node, index)
            if found is not None and not isinstance(found.value, (cst.SimpleString, cst.FormattedString)):
                return found.value
        return None

    # ------------------------------------------------------------ spans

    def _span(self, node: cst.Call) -> None:
        function = self.model.def_function
        region = None
        for ancestor in reversed(self.model.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                break
            region = self._loops.get(id(ancestor))
            if region is not None:
                break
        if region is None and function is not None:
            region = self._receiving.get(id(function.node))
        if region is not None:
            self._check(node, function.node if function is not None else self.model.module_scope.node, region)
        elif function is not None and isinstance(function.node, cst.FunctionDef):
            # maybe a consumer callback registered later in the module: decided at the end
            kind = "method" if function.enclosing_class is not None else "function"
            self._deferred.append((node, function.node, kind))

    def _check(self, span: cst.Call, scope: cst.CSTNode, region: tuple[str, str]) -> None:
        library, what = region
        record = self.instrumented([library])
        if record is not None and library not in sem.CONSUME_SPAN_ENDED:
            return
        parent = argument(span, *SPAN_STARTERS[attribute_name(span.func) or "start_span"])
        if parent is not None or keyword(span, "links") is not None:
            return  # the code chose the parent (or links the message's trace) itself
        if self.extracts_by_hand(scope):
            return
        if record is not None:
            self.report(
                span,
                f"`{source(span.func)}` in the {library} {what} starts a new trace for every message: the "
                f"{library} instrumentation ends its consume span before the loop body runs, so nothing is "
                f"current here; pass `context=propagate.extract(<message headers>)`",
            )
            return
        self.report(
            span,
            f"`{source(span.func)}` in the {library} {what} starts a new trace for every message: "
            f"{self.not_instrumented(library)}; pass `context=propagate.extract(<message headers>)`, "
            f"or {self.advice(library, None, per_object=False)}",
        )
