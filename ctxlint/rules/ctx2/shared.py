"""Helpers shared by the CTX2 rules."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.contextcopy import (
    runs_in_copied_context,
)
from ctxlint.analysis.model import SemanticModel
from ctxlint.analysis.syntax import (
    positional,
    source,
)
from ctxlint.rules.base import Rule
from ctxlint.semantics import concurrency as sem


class ContextCarryingRule(Rule):
    """Shared by the thread and executor rules: instrumentation exemption and fix nodes."""

    def instrumentation_verdict(self) -> tuple[bool, str]:
        """(skip the finding, note to add to the message) given ThreadingInstrumentor."""
        facts = self.context.facts
        if facts.instrumentation("threading") is None:
            return False, ""
        if not facts.context_vars:
            return True, ""
        names = ", ".join(sorted(facts.context_vars)[:3])
        return False, f" (ThreadingInstrumentor carries only the OpenTelemetry context, not the project's ContextVars: {names})"

    def copy_context_run(self) -> tuple[cst.BaseExpression, tuple[str, ...]]:
        name, imports = self.module_reference("contextvars")
        return cst.parse_expression(f"{name}.copy_context().run"), imports

    def covered(self, callable_node: cst.CSTNode) -> bool:
        return runs_in_copied_context(callable_node, self.model, self.context.facts)

def own_loops(function: cst.FunctionDef) -> list[cst.While]:
    """The `while` loops of the function's own body (nested functions and classes excluded)."""
    from ctxlint.analysis.walker import children

    loops, stack = [], list(children(function.body))
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.While):
            loops.append(node)
        stack.extend(children(node))
    return loops

def is_service_loop(loop: cst.While, function: cst.FunctionDef) -> bool:
    """A loop that runs until the process or its owner says stop, serving whatever comes:
    `while True:` with no `break`, or a stop flag: `while self._running:`,
    `while not stop_event.is_set():`, `while not stop():`, `running = True; while running:`.
    A retry loop (`while True: ... break`) or a bounded one (`while attempts < 3:`) is not.
    """
    test = loop.test
    if truthy_constant(test):
        return not breaks(loop)
    return is_stop_flag(test, function)

def is_stop_flag(test: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return is_stop_flag(test.left, function) or is_stop_flag(test.right, function)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Attribute):
        return True  # `self._running`, `state.proceed`
    if isinstance(test, cst.Call):
        func = test.func
        if isinstance(func, cst.Attribute):
            return func.attr.value in ("is_set", "wait", "is_alive")
        return isinstance(func, cst.Name) and not test.args  # `stop()`
    if isinstance(test, cst.Name):
        return assigned_bool(test.value, function)
    return False

def truthy_constant(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Name) and test.value == "True") or (
        isinstance(test, cst.Integer) and test.evaluated_value != 0
    )

def breaks(loop: cst.While) -> bool:
    """A `break` that leaves this loop (not one of a nested loop)."""
    from ctxlint.analysis.walker import children

    stack = list(children(loop.body))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Break):
            return True
        if isinstance(node, (cst.While, cst.For, cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(children(node))
    return False

def assigned_bool(name: str, function: cst.FunctionDef) -> bool:
    """`name = True` (or False) somewhere in the function: a flag."""
    from ctxlint.analysis.walker import iter_descendants

    return any(
        isinstance(node, cst.Assign)
        and isinstance(node.value, cst.Name)
        and node.value.value in ("True", "False")
        and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)
        for node in iter_descendants(function)
    )

def callable_label(node: cst.BaseExpression, model: SemanticModel) -> str:
    """How a message names the callable: `partial(f, ...)` for a partial, else its code."""
    if isinstance(node, cst.Call) and model.resolve(node.func) == sem.PARTIAL:
        first = positional(node, 0)
        if first is not None:
            return f"{source(node.func)}({source(first.value)}, ...)"
    return source(node)
