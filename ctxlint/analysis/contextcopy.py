"""Is a callable going to run in a copied context? (SPEC "copied-context callable")

Yes for `<ctx>.run` where `<ctx>` is `contextvars.copy_context()` or a name bound to it;
`functools.partial` of such; a lambda or nested function whose body only calls such; and a
call to a context wrapper (a project function found by the project pass, or configured).
"""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from ctxlint.analysis.model import SemanticModel
from ctxlint.analysis.project import ProjectFacts
from ctxlint.analysis.syntax import attribute_name, positional
from ctxlint.semantics import concurrency as sem

# A receiver named like a context (`ctx.run`, `self._context.run`, `request_ctx.run`)
# whose value cannot be resolved: the author chose a context deliberately.
_CONTEXT_LIKE_NAME = re.compile(r"(^|_)(ctx|context)$", re.IGNORECASE)


def is_context_run(node: cst.CSTNode, model: SemanticModel, deferred: bool = False) -> bool:
    """`<Context>.run` with the receiver a copied (or deliberately chosen) context.

    `deferred`: the expression is evaluated later, inside the worker (a lambda or nested
    function body). There `copy_context()` would copy the worker's own empty context, so
    only a context captured beforehand (a name) counts.
    """
    if not (isinstance(node, cst.Attribute) and node.attr.value == "run"):
        return False
    if deferred and isinstance(node.value, cst.Call):
        return False
    receiver_path = model.resolve(node.value)
    if receiver_path == sem.COPY_CONTEXT + "()":
        return True
    if receiver_path is None:
        name = attribute_name(node.value)
        return name is not None and bool(_CONTEXT_LIKE_NAME.search(name))
    return False


def copied_context_name(node: cst.CSTNode, model: SemanticModel) -> Optional[str]:
    """For `ctx.run` with `ctx` a name bound to `copy_context()`, the name `ctx`."""
    if (
        isinstance(node, cst.Attribute)
        and node.attr.value == "run"
        and isinstance(node.value, cst.Name)
        and model.resolve(node.value) == sem.COPY_CONTEXT + "()"
    ):
        return node.value.value
    return None


def runs_in_copied_context(
    node: cst.CSTNode, model: SemanticModel, facts: ProjectFacts, depth: int = 0, deferred: bool = False
) -> bool:
    if depth > 3:
        return False
    if is_context_run(node, model, deferred):
        return True
    if isinstance(node, cst.Call):
        callee = model.resolve(node.func)
        if callee == "typing.cast":
            value = positional(node, 1)
            return value is not None and runs_in_copied_context(value.value, model, facts, depth + 1, deferred)
        if callee == sem.PARTIAL:
            first = positional(node, 0)
            return first is not None and runs_in_copied_context(first.value, model, facts, depth + 1)
        name = attribute_name(node.func)
        if name is not None and name in facts.context_wrappers:
            return True
        return False
    if isinstance(node, cst.Lambda):
        return _only_calls_context_run(node.body, model, facts, depth)
    if isinstance(node, cst.Name):
        binding = model.lookup(node.value)
        if binding is not None and isinstance(binding.node, cst.FunctionDef):
            return _function_only_calls_context_run(binding.node, model, facts, depth)
        if binding is not None and isinstance(binding.node, cst.BaseExpression):
            return runs_in_copied_context(binding.node, model, facts, depth + 1)
    return False


def _only_calls_context_run(expression: cst.CSTNode, model: SemanticModel, facts: ProjectFacts, depth: int) -> bool:
    return isinstance(expression, cst.Call) and runs_in_copied_context(
        expression.func, model, facts, depth + 1, deferred=True
    )


def _function_only_calls_context_run(
    function: cst.FunctionDef, model: SemanticModel, facts: ProjectFacts, depth: int
) -> bool:
    body = function.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    return _work_calls(statements, model, facts, depth) > 0


def _work_calls(statements, model: SemanticModel, facts: ProjectFacts, depth: int) -> int:
    """How many context-running calls the statements make; -1 if they do anything else.

    A `try` counts by its body: its handlers and `finally` only report or clean up
    (`except Exception: log.debug(...)`, `finally: ready.set()`), the work is in the body.
    """
    calls = 0
    for statement in statements:
        if isinstance(statement, cst.Try):
            inner = _work_calls(statement.body.body, model, facts, depth)
            if inner < 0:
                return -1
            calls += inner
            continue
        smalls = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else None
        if smalls is None:
            return -1
        for small in smalls:
            value = small.value if isinstance(small, (cst.Expr, cst.Return)) else None
            if value is None:
                if isinstance(small, cst.Pass):
                    continue
                return -1
            if isinstance(value, cst.SimpleString):
                continue  # docstring
            if not _only_calls_context_run(value, model, facts, depth):
                return -1
            calls += 1
    return calls
