"""CTX407 discarded-future."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from ctxlint.analysis.syntax import (
    attribute_name,
    positional,
    source,
)
from ctxlint.rules.ctx4.shared import LOOPS, OwnedValueRule
from ctxlint.semantics import cancellation as sem


class DiscardedFuture(OwnedValueRule):
    """## What it does
    Reports `executor.submit(...)` on a `ThreadPoolExecutor`/`ProcessPoolExecutor` whose
    `Future` is discarded, or bound to a name that is never used to wait, cancel or
    observe it.

    ## Why is this bad?
    An exception raised by the submitted function is stored in the `Future`; if nobody
    calls `result()` or `exception()` or adds a done callback, the error vanishes without a
    log line. Without the `Future`, the work cannot be cancelled or waited for either.
    """

    code = "CTX407"
    name = "discarded-future"
    preview = True
    triggers = ("submit",)
    requires = (("Executor",),)
    example = """
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor()

    def on_upload(path):
        pool.submit(make_thumbnail, path)
    """
    use_instead = """
    import logging
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor()

    def log_failure(future):
        if future.exception() is not None:
            logging.error("thumbnail failed", exc_info=future.exception())

    def on_upload(path):
        pool.submit(make_thumbnail, path).add_done_callback(log_failure)
    """
    known_limits = """
    Only receivers known to be an executor (constructor, `with ... as`, `self.` attribute,
    annotation) are checked. `executor.map(...)` whose iterator is discarded is not
    reported, nor is a submitted function of this module (or method of this class) whose
    whole body, or whole loop body, is one `try` with an `except Exception`/`BaseException`
    (or bare) handler: it observes its own errors, so the Future has nothing to tell.
    """

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "submit"):
            return
        if self.model.resolve(func.value) not in sem.EXECUTORS:
            return
        target = positional(node, 0)
        definition = self._definition(target.value) if target is not None else None
        if definition is not None and _guards_its_own_errors(definition):
            return  # it catches and handles its own exceptions: nothing is lost
        name = self.unowned(node, sem.FUTURE_RELEASE_METHODS, sem.FUTURE_HANDLING_METHODS)
        if name is None:
            return
        subject = f"Future `{name}` from `{source(func)}`" if name else f"The Future from `{source(func)}`"
        self.report(
            node,
            f"{subject} is never waited for: an exception in the submitted function is lost and the "
            f"work cannot be cancelled; keep the future and call `result()` or add a done callback",
        )

    def _definition(self, target: cst.BaseExpression) -> Optional[cst.FunctionDef]:
        """The `def` of a submitted `f` or `self.f` in this file."""
        if isinstance(target, cst.Name):
            binding = self.model.lookup(target.value)
            if binding is None:  # a module function defined further down
                return _defined_in(self.model.module_scope.node, target.value)
            return binding.node if isinstance(binding.node, cst.FunctionDef) else None
        receiver = target.value if isinstance(target, cst.Attribute) else None
        if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
            function = self.model.function
            owner = function.enclosing_class if function is not None else None
            if owner is not None and isinstance(owner.node, cst.ClassDef):
                return _defined_in(owner.node, target.attr.value)  # type: ignore[union-attr]
        return None

def _defined_in(owner: Union[cst.Module, cst.ClassDef], name: str) -> Optional[cst.FunctionDef]:
    """The `def name` directly in a module's or class's body."""
    body = owner.body if isinstance(owner, cst.Module) else owner.body.body
    return next((s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == name), None)

def _guards_its_own_errors(function: cst.FunctionDef) -> bool:
    """The body (after a docstring), or the body of its one loop, is a single `try` with a
    handler for `Exception`, `BaseException` or everything."""
    statements = list(function.body.body)
    if statements and isinstance(statements[0], cst.SimpleStatementLine):
        first = statements[0].body[0] if statements[0].body else None
        if isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            statements = statements[1:]
    if len(statements) == 1 and isinstance(statements[0], LOOPS):
        statements = list(statements[0].body.body)
    if len(statements) != 1 or not isinstance(statements[0], cst.Try):
        return False
    return any(_catches_everything(handler.type) for handler in statements[0].handlers)

def _catches_everything(node: Optional[cst.BaseExpression]) -> bool:
    if node is None:
        return True
    if isinstance(node, cst.Tuple):
        return any(_catches_everything(element.value) for element in node.elements)
    return attribute_name(node) in sem.BROAD_EXCEPTIONS
