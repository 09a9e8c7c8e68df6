"""Helpers shared by the CTX4 rules."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.model import Scope
from ctxlint.analysis.ownership import is_global_name, is_handled, uses
from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    argument,
    has_star_args,
    has_star_kwargs,
    is_none,
    keyword,
    own_descendants,
    positional,
    source,
)
from ctxlint.analysis.walker import children
from ctxlint.rules.base import Rule
from ctxlint.semantics import cancellation as sem
from ctxlint.semantics import concurrency

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

class ThreadTargetRule(Rule):
    """Finds, in one module, the functions run as a thread or executor target (and the
    `run()` of `threading.Thread` subclasses); subclasses ask `_is_target` in `leave_Module`."""

    def __init__(self, context) -> None:
        super().__init__(context)
        self._target_ids: set[int] = set()
        self._target_names: set[str] = set()  # module-level functions named as targets
        self._target_methods: set[tuple[int, str]] = set()  # (class node id, method name)

    def visit_Call(self, node: cst.Call) -> None:
        target = self._target(node)
        if target is not None:
            self._remember_target(target)

    def _target(self, node: cst.Call) -> Optional[cst.BaseExpression]:
        path = self.model.resolve(node.func) or ""
        spec = concurrency.THREAD_STARTERS.get(path)
        if spec is not None:
            arg = argument(node, *spec)
        elif path in sem.THREAD_RUNNERS:
            arg = positional(node, sem.THREAD_RUNNERS[path])
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "run_in_executor":
            arg = positional(node, 1)
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "submit"
            and self.model.resolve(node.func.value) in sem.EXECUTORS
        ):
            arg = positional(node, 0)
        else:
            return None
        if arg is None:
            return None
        value = arg.value
        if isinstance(value, cst.Call) and self.model.resolve(value.func) == concurrency.PARTIAL:
            first = positional(value, 0)
            value = first.value if first is not None else value
        return value

    def _remember_target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            binding = self.model.lookup(target.value)
            if binding is not None and isinstance(binding.node, cst.FunctionDef):
                self._target_ids.add(id(binding.node))
            elif binding is None or self.model.module_scope.bindings.get(target.value) is binding:
                self._target_names.add(target.value)  # a module function defined further down
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in ("self", "cls")
        ):
            scope: Optional[Scope] = self.model.scope
            while scope is not None and scope.kind != "class":
                scope = scope.parent
            if scope is not None:
                self._target_methods.add((id(scope.node), target.attr.value))

    def _is_target(self, function: Scope) -> bool:
        if id(function.node) in self._target_ids:
            return True
        parent = function.parent
        if parent is not None and parent.kind == "module" and function.name in self._target_names:
            return True
        if parent is not None and parent.kind == "class":
            return (id(parent.node), function.name) in self._target_methods or self._is_thread_run(function)
        return False

    def _is_thread_run(self, function: Scope) -> bool:
        parent = function.parent
        if function.name != "run" or parent is None or parent.kind != "class":
            return False
        bases = parent.node.bases if isinstance(parent.node, cst.ClassDef) else ()
        return any(self.model.resolve(base.value) == concurrency.THREAD_CLASS for base in bases)


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

def blocks_forever(call: cst.Call) -> bool:
    """`q.get()`, `event.wait()`, `lock.acquire()`, `conn.recv()`, ... with no timeout."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in sem.BLOCKING_METHODS):
        return False
    if has_star_args(call) or has_star_kwargs(call):
        return False
    timeout = keyword(call, "timeout")
    if timeout is not None:
        return is_none(timeout.value)
    for flag in ("block", "blocking"):
        given = keyword(call, flag)
        if given is not None and not (isinstance(given.value, cst.Name) and given.value.value == "True"):
            return False  # non-blocking (or unknown)
    positionals = [arg for arg in call.args if arg.keyword is None]
    method = func.attr.value
    if method == "acquire" and len(positionals) == 1:
        value = positionals[0].value
        return isinstance(value, cst.Name) and value.value == "True"
    if method == "recv" and len(positionals) == 1:
        return True  # socket.recv(bufsize): blocking unless the socket has a timeout
    return not positionals

def handler_may_fire_while_waiting(statement: cst.Try, handler=None) -> bool:
    """The handler can fire while the worker waits: it catches an error a wait raises when
    its queue, pipe or socket is closed (`OSError`, `EOFError`, broad classes), or the `try`
    body holds a wait that can end in an exception: one with a timeout or non-blocking
    (`queue.Empty`, `TimeoutError`), or `recv()`, `accept()`, `result()`."""
    if handler is not None:
        caught = handler.type
        if caught is None:
            return True
        elements = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
        if any(source(e).rpartition(".")[2] in sem.WAIT_ERRORS for e in elements):
            return True
    for node in own_descendants(statement.body):
        if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
            continue
        method = node.func.attr.value
        if method in ("recv", "accept", "result", "get_nowait", "put_nowait", "recv_bytes"):
            return True
        if method in sem.BLOCKING_METHODS | {"put"} and not blocks_forever(node):
            return True
    return False


def sentinel_test(test: cst.BaseExpression) -> Optional[tuple[str, str]]:
    """(name, sentinel text) for `name is None`, `name is STOP`, `name == STOP`."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    left, comparison = test.left, test.comparisons[0]
    if not isinstance(left, cst.Name) or not isinstance(comparison.operator, (cst.Is, cst.Equal)):
        return None
    right = comparison.comparator
    if isinstance(right, cst.Name):
        return left.value, right.value
    if isinstance(right, cst.Attribute):
        return left.value, source(right)
    return None



def assigned_name(parent: Optional[cst.CSTNode], value: cst.CSTNode) -> Optional[str]:
    if isinstance(parent, cst.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(parent, cst.AnnAssign) and parent.value is value and isinstance(parent.target, cst.Name):
        return parent.target.value
    return None
