"""CTX506 span-across-yield."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    attribute_name,
    own_descendants,
    positional,
    source,
)
from ctxlint.rules.base import GENERATOR, FileContext, Rule, WholeName
from ctxlint.rules.ctx5.shared import bound_names, function_node, is_tracer
from ctxlint.semantics import lifecycle as sem
from ctxlint.semantics.entrypoints import SPAN_CONTEXT_MANAGERS
from ctxlint.semantics.otel import ATTACH


def _is_generator(function: cst.FunctionDef) -> bool:
    return any(isinstance(node, cst.Yield) for node in own_descendants(function.body))

def _is_context_manager(function: cst.FunctionDef, scope: Scope) -> bool:
    """A generator turned into a context manager (or a pytest fixture) by a decorator."""
    for decorator, resolved in zip(function.decorators, scope.decorators):
        expression = decorator.decorator
        name = attribute_name(expression.func if isinstance(expression, cst.Call) else expression)
        if resolved.removesuffix("()") in sem.CONTEXT_MANAGER_DECORATORS:
            return True
        if name is not None and name.lower().endswith(sem.CONTEXT_MANAGER_DECORATOR_SUFFIX):
            return True
    return False

class SpanAcrossYield(Rule):
    """## What it does
    Reports a `yield` in a generator or async generator while a span is current: inside
    `with tracer.start_as_current_span(...)`, `with use_span(...)`, Sentry's `with
    sentry_sdk.new_scope()`/`isolation_scope()`/`start_span(...)`/`start_transaction(...)`,
    or between `context.attach(...)` and `context.detach(token)`; and
    `@tracer.start_as_current_span(...)` decorating a generator function.

    ## Why is this bad?
    Generators run in their consumer's context. Between items the span stays current in
    the consumer, so the consumer's own spans become its children. When the generator is
    resumed or closed from another task or thread (a streaming response cancelled mid-way,
    an `async for` left early, `aclose()` from another task), detaching fails with
    "Failed to detach context" and the span stays attached wherever it was entered. As a
    decorator on a generator function the span starts and ends when the generator object
    is created: the body runs outside it.
    """

    code = "CTX506"
    name = "span-across-yield"
    triggers = (GENERATOR,)
    # what makes a span current (`_span_region`, `visit_Call`), by the name it is called by
    requires = (
        tuple(
            sorted(
                {
                    WholeName(path.removesuffix("()").rpartition(".")[2])
                    for path in (*SPAN_CONTEXT_MANAGERS, ATTACH, *sem.SENTRY_CURRENT_MANAGERS)
                }
            )
        ),
    )
    example = """
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    async def stream_rows(query):
        with tracer.start_as_current_span("stream_rows"):
            async for row in database.fetch(query):
                yield row
    """
    use_instead = """
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    async def stream_rows(query):
        span = tracer.start_span("stream_rows")
        try:
            async for row in database.fetch(query):
                yield row
        finally:
            span.end()
    """
    known_limits = """
    Sentry's context managers are recognised by their resolved path (`sentry_sdk.new_scope`,
    `isolation_scope`, `start_span`, `start_transaction`). Generators decorated with
    `contextlib.contextmanager`/`asynccontextmanager`, any
    decorator whose name ends in "contextmanager" (OpenTelemetry's own
    `_agnosticcontextmanager`), or a pytest fixture decorator are exempt: their `yield` is
    the body of the caller's `with` block. Regions between `attach` and `detach` are
    followed in source order within one function, for tokens bound to a name.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._attached: dict[int, dict[str, cst.Call]] = {}  # function node id -> open tokens

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            call = decorator.decorator
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
                continue
            if (
                call.func.attr.value == sem.START_AS_CURRENT_SPAN
                and is_tracer(call.func.value, self.model, self.context.facts, any_name=True)
                and _is_generator(node)
            ):
                self.report(
                    decorator,
                    f"`@{source(call.func)}(...)` on generator function `{node.name.value}` ends the span "
                    f"when the generator object is created, before the body runs; start the span inside "
                    f"the body, around code that does not yield",
                )

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        if path not in (ATTACH, sem.DETACH):
            return
        function = function_node(self.model)
        if function is None:
            return
        open_tokens = self._attached.setdefault(id(function), {})
        if path == ATTACH:
            for name in bound_names(self.model.parent, node) or ():
                open_tokens[name] = node
            return
        token = positional(node, 0)
        if token is not None and isinstance(token.value, cst.Name):
            open_tokens.pop(token.value.value, None)

    def visit_Yield(self, node: cst.Yield) -> None:
        scope = self.model.function
        function = function_node(self.model)
        if scope is None or function is None:
            return
        if _is_context_manager(function, scope):
            return
        region = self._span_region(function)
        if region is None:
            return
        description, start, started = region
        if isinstance(start, cst.WithItem):
            kind = sem.SENTRY_CURRENT_MANAGERS.get(self.model.resolve(start.item) or "", "span")
            held, remedy = f"the {kind}", f"make the {kind} current only around code that does not yield"
        else:
            held, remedy = "the attached context", "detach before yielding"
        self.report(
            node,
            f"`yield` {description} in generator `{function.name.value}`: {held} stays current in the "
            f"consumer between items, and resuming or closing the generator from another task or thread "
            f"fails to detach it; {remedy}",
            related=[(start, started)],
        )

    def _span_region(self, function: cst.FunctionDef) -> Optional[tuple[str, cst.CSTNode, str]]:
        """(how messages name the region, the `with` item or `attach` call opening it, its label)."""
        for item, path in self.model.enclosing_with_paths():
            call = item.item
            if not isinstance(call, cst.Call) or attribute_name(call.func) not in SPAN_CONTEXT_MANAGERS:
                continue
            func = call.func
            is_use_span = path == sem.USE_SPAN + "()"
            is_current_span = (
                isinstance(func, cst.Attribute)
                and func.attr.value == sem.START_AS_CURRENT_SPAN
                and is_tracer(func.value, self.model, self.context.facts, any_name=True)
            )
            if is_use_span or is_current_span:
                return f"inside `with {source(func)}(...)`", item, "the span is made current here"
        for item, path in self.model.enclosing_with_paths():
            kind = sem.SENTRY_CURRENT_MANAGERS.get(path or "")
            if kind is not None and isinstance(item.item, cst.Call):
                return f"inside `with {source(item.item.func)}(...)`", item, f"the {kind} is made current here"
        for token, attach in self._attached.get(id(function), {}).items():
            return (
                f"between `{source(attach.func)}(...)` and `context.detach({token})`",
                attach,
                "the context is attached here",
            )
        return None
