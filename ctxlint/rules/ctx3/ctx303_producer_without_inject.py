"""CTX303 producer-without-inject."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.syntax import (
    attribute_name,
    keyword,
    source,
)
from ctxlint.rules.ctx3.shared import MessagingRule, root_name
from ctxlint.semantics import boundaries as sem


class ProducerWithoutInject(MessagingRule):
    """## What it does
    Reports a message publish (kafka-python `send`, confluent-kafka `produce`, aiokafka
    `send`/`send_and_wait`, pika `basic_publish`, aio-pika `publish`, boto3 SQS
    `send_message(_batch)`, SNS `publish`) when the library is not instrumented and the
    code does not `propagate.inject(...)` into the headers or attributes it sends.

    ## Why is this bad?
    A message carries the trace only in its headers. Without instrumentation or a manual
    `inject`, the consumer cannot continue the producer's trace: the work done for one
    request shows up as unrelated traces.
    """

    code = "CTX303"
    tracing_setup_only = True  # see `inventory_known`
    name = "producer-without-inject"
    triggers = ("send", "produce", "publish")
    # reports only producers resolved through an import of their library
    modules = tuple(sorted({path.split(".")[0] for path in sem.PRODUCERS} | {sem.AIO_PIKA_PREFIX.split(".")[0], "boto3"}))
    example = """
    from kafka import KafkaProducer
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    producer = KafkaProducer(bootstrap_servers="kafka:9092")

    def order_placed(order):
        producer.send("orders", order.to_bytes())
    """
    use_instead = """
    from kafka import KafkaProducer
    from opentelemetry import propagate, trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    producer = KafkaProducer(bootstrap_servers="kafka:9092")

    def order_placed(order):
        carrier = {}
        propagate.inject(carrier)
        headers = [(key, value.encode()) for key, value in carrier.items()]
        producer.send("orders", order.to_bytes(), headers=headers)
    """
    known_limits = """
    Only projects that set up tracing themselves are checked (an instrumentor, middleware,
    auto-instrumentation, a module-level `trace.set_tracer_provider(...)`, or
    `opentelemetry = true`): a messaging library's or framework's own producers are
    instrumented by the application that uses it. Only producers whose type is known are checked: built in the same file, bound to
    `self.` in the class, or annotated. A boto3 client counts only when its service name
    (`boto3.client("sqs")`) is a literal. Hand-written propagation counts when the same
    function calls `inject(carrier)` (or a project function that does) and uses the
    carrier afterwards.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        found = self.producer_library(node)
        if found is None:
            return
        library, libraries = found
        if self.instrumented(libraries) is not None or self.propagates_itself(node, construction=False):
            return
        if _forwards_headers(node, self.model):
            return
        assert isinstance(node.func, cst.Attribute)
        receiver = attribute_name(node.func.value)
        if self.object_covered(libraries, receiver, escapes=False):
            return
        if self.injects_by_hand(self.scope_node()):
            return
        self.report(
            node,
            f"`{source(node.func)}` publishes without the trace context: {self.not_instrumented(library)}; "
            f"{self.advice(library, source(node.func.value))}, or `propagate.inject(headers)` into the message headers",
        )

def _forwards_headers(node: cst.Call, model) -> bool:
    """`produce(topic, value, headers=msg.headers())`: the headers of another message (a
    received one, replayed or relayed) are sent on, and its trace context with them; so
    are headers the function was given (a pika callback's `properties`, a wrapper's
    `headers` parameter: the caller decides what they carry)."""
    for name in sem.HEADER_KEYWORDS:
        arg = keyword(node, name)
        value = arg.value if arg is not None else None
        if isinstance(value, cst.Call) and not value.args:
            value = value.func  # `msg.headers()`
        if (
            isinstance(value, cst.Attribute)
            and value.attr.value in sem.HEADER_KEYWORDS
            and root_name(value) not in (None, "self", "cls")
        ):
            return True
        if isinstance(value, cst.Name):
            binding = model.lookup(value.value)
            if binding is not None and isinstance(binding.node, cst.Param):
                return True
    return False
