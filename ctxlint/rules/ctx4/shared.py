"""Helpers shared by the CTX4 rules."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.ownership import is_global_name, is_handled, uses
from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    own_descendants,
)
from ctxlint.analysis.walker import children
from ctxlint.rules.base import Rule
from ctxlint.semantics import cancellation as sem

LOOPS = (cst.For, cst.While)

def is_infinite(loop: cst.While) -> bool:
    """`while True:` / `while 1:` (any non-zero integer literal)."""
    test = loop.test
    if isinstance(test, cst.Name):
        return test.value == "True"
    if isinstance(test, cst.Integer):
        try:
            return int(test.value, 0) != 0
        except ValueError:
            return False
    return False

def exits(loop: cst.While, model) -> bool:
    """Whether the loop has a way out: its own `break`, a `return`, a `raise` or `sys.exit()`."""
    stack: list[tuple[cst.CSTNode, bool]] = [(child, False) for child in children(loop)]
    while stack:
        node, in_inner_loop = stack.pop()
        if isinstance(node, NESTED_SCOPES):
            continue
        if isinstance(node, (cst.Return, cst.Raise)):
            return True
        if isinstance(node, cst.Break) and not in_inner_loop:
            return True
        if isinstance(node, cst.Call) and model.resolve(node.func) in sem.TERMINATING_CALLS:
            return True
        inner = in_inner_loop or isinstance(node, LOOPS)
        stack.extend((child, inner) for child in children(node))
    return False

def has_checkpoint(node: cst.CSTNode) -> bool:
    """An `await`, `async for`, `async with` or `yield` that runs as part of `node`."""
    for current in own_descendants(node):
        if isinstance(current, (cst.Await, cst.Yield)):
            return True
        if isinstance(current, (cst.For, cst.With)) and current.asynchronous is not None:
            return True
        if isinstance(current, cst.CompFor) and current.asynchronous is not None:
            return True
    return False

class OwnedValueRule(Rule):
    """A value that must be kept, awaited, released or handed off (SPEC ownership transfer)."""

    def unowned(self, node: cst.Call, release: tuple[str, ...], handling: tuple[str, ...]) -> Optional[str]:
        """"" when the call's value is discarded, the local name it is bound to when that
        name is never handled, None when the value is owned (or not in a function)."""
        ancestors = self.model.ancestors
        index = len(ancestors) - 2
        value: cst.CSTNode = node
        parent = ancestors[index] if index >= 0 else None
        # `[create_task(c) for c in coros]`, `[create_task(c)]`: the list's fate is the tasks'
        if isinstance(parent, (cst.ListComp, cst.SetComp)) and parent.elt is value:
            value, index = parent, index - 1
        elif isinstance(parent, cst.Element) and isinstance(ancestors[index - 1], (cst.List, cst.Tuple, cst.Set)):
            value, index = ancestors[index - 1], index - 2
        parent = ancestors[index] if index >= 0 else None
        if isinstance(parent, cst.Expr) or (isinstance(parent, cst.IfExp) and parent.test is value):
            return ""  # thrown away (a conditional's test is only looked at)
        name = assigned_name(parent, value)
        function = self.model.function
        if name is None or function is None or function.kind != "function":
            return None  # module and class attributes keep their value alive
        if is_global_name(function.node, name):
            return None
        if value is not node:
            # a list of them: any use of the list (`tasks[0].cancel()`, `len(tasks)`) counts
            return None if uses(function.node, name) else name
        return None if is_handled(function.node, name, release, handling) else name

def assigned_name(parent: Optional[cst.CSTNode], value: cst.CSTNode) -> Optional[str]:
    if isinstance(parent, cst.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(parent, cst.AnnAssign) and parent.value is value and isinstance(parent.target, cst.Name):
        return parent.target.value
    return None
