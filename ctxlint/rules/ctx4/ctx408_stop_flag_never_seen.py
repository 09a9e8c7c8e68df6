"""CTX408 stop-flag-never-seen."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    has_star_args,
    has_star_kwargs,
    is_none,
    keyword,
    own_descendants,
    positional,
    source,
)
from ctxlint.analysis.walker import children, iter_descendants
from ctxlint.rules.ctx4.shared import ThreadTargetRule, is_infinite, sentinel_test
from ctxlint.semantics import cancellation as sem


class StopFlagNeverSeen(ThreadTargetRule):
    """## What it does
    Reports, in a thread or executor worker whose loop stops on a flag (`while not
    stop.is_set():`, `while self._running:`, or `if stop.is_set(): break` inside the loop),
    a call in that loop that can block forever: `put()` without a timeout on a queue that
    may be bounded, and `get()`/`wait()` without a timeout when the code that sets the flag
    never wakes the worker up (puts into that queue, sets that event).

    ## Why is this bad?
    The flag is the worker's way to stop, but it is only looked at between two waits. A
    worker blocked in `put()` on a full queue (its consumer has stopped at shutdown), or in
    `get()` on a queue nobody feeds any more, never gets back to the check: setting the flag
    does nothing, and the `join()` that waits for the worker hangs shutdown forever.
    """

    code = "CTX408"
    name = "stop-flag-never-seen"
    triggers = ("Thread", "Timer", "start_new", "submit", "run_in_executor", "to_thread")
    requires = (("put", "get", "wait"),)
    # the calls it follows block on these types only (`_blocking`)
    modules = tuple(sorted(path.removesuffix("()") for path in (*sem.QUEUE_TYPES, *sem.EVENT_TYPES)))
    example = """
    import queue
    import threading

    class Publisher(threading.Thread):
        def __init__(self, stop: threading.Event, inbox: queue.Queue, outbox: queue.Queue):
            super().__init__(daemon=True)
            self.stop = stop
            self.inbox = inbox
            self.outbox = outbox

        def run(self):
            while not self.stop.is_set():
                try:
                    item = self.inbox.get(timeout=1)
                except queue.Empty:
                    continue
                self.outbox.put(publish(item))
    """
    use_instead = """
    import queue
    import threading

    class Publisher(threading.Thread):
        def __init__(self, stop: threading.Event, inbox: queue.Queue, outbox: queue.Queue):
            super().__init__(daemon=True)
            self.stop = stop
            self.inbox = inbox
            self.outbox = outbox

        def run(self):
            while not self.stop.is_set():
                try:
                    item = self.inbox.get(timeout=1)
                except queue.Empty:
                    continue
                receipt = publish(item)
                while not self.stop.is_set():
                    try:
                        self.outbox.put(receipt, timeout=1)
                        break
                    except queue.Full:
                        continue
    """
    known_limits = """
    Workers are found as for CTX404 (targets named in this module, `run()` of a Thread
    subclass). A flag is a name or attribute, `not` of one, or `<event>.is_set()`; a loop
    whose exits test anything else (a sentinel, a counter) is not checked. `put()` is
    reported unless the queue is built in this module without a `maxsize` (or is a
    `SimpleQueue`): a queue that comes from elsewhere may be bounded, so the message says
    "may". `get()`/`wait()` without a timeout are reported only on a queue or event this
    code builds (`self._jobs = queue.Queue()`: one handed in may be fed by its owner), when
    the loop has no sentinel test on the value read (`if item is STOP: break`), and when a
    function of this module sets the flag (`stop.set()`, `self._running = False`) and none
    of those functions puts into that queue, sets that event or calls another method of the
    object (which may); a flag set from another module is not followed. A blocking call in
    a nested function or a called helper is not seen.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        # (blocking call, function, flags, what it is)
        self._pending: list[tuple[cst.Call, Scope, frozenset[str], str]] = []

    def visit_While(self, node: cst.While) -> None:
        function = self.model.def_function
        if function is None or function.is_async:
            return
        if any(isinstance(a, cst.While) and a is not node and _loop_flags(a) for a in self.model.ancestors[:-1]):
            return  # the outer stoppable loop reports it
        flags = _loop_flags(node)
        if not flags:
            return
        sentinels = _sentinel_names(node)
        for current in _own_nodes(node):
            if not isinstance(current, cst.Call) or not isinstance(current.func, cst.Attribute):
                continue
            kind = self._blocking(current)
            if kind == "get" and _assigned_name(current, node) in sentinels:
                continue  # `if item is STOP: break`: a sentinel wakes it and ends the loop
            if kind is not None:
                self._pending.append((current, function, flags, kind))

    def leave_Module(self, node: cst.Module) -> None:
        setters: Optional[dict[str, list[tuple[cst.CSTNode, Optional[cst.CSTNode]]]]] = None
        for call, function, flags, kind in self._pending:
            if not self._is_target(function):
                continue
            func = call.func
            assert isinstance(func, cst.Attribute)
            receiver = source(func.value)
            flag = sorted(flags)[0]
            if kind == "put":
                self.report(
                    call,
                    f"`{receiver}.put(...)` has no timeout in a worker loop that stops on `{flag}`: if the "
                    f"queue is bounded and full (its consumer stopped at shutdown) it may block forever and the "
                    f"flag is never checked again; pass `timeout=` and re-check `{flag}` on `queue.Full`",
                )
                continue
            if setters is None:
                setters = _flag_setters(node)
            owner = function.parent.node if function.parent is not None and function.parent.kind == "class" else None
            found = [
                setter
                for f in flags
                for setter, cls in setters.get(f, ())
                if not f.startswith("self.") or cls is owner
            ]
            if not found or any(_wakes(s, receiver, func.attr.value) for s in found):
                continue
            if receiver in flags:
                continue  # waiting on the stop event itself
            self.report(
                call,
                f"`{receiver}.{func.attr.value}()` has no timeout in a worker loop that stops on `{flag}`, and "
                f"the code that sets `{flag}` never wakes it: the worker waits forever and never sees the flag; "
                f"pass `timeout=` (and re-check the flag), or wake it after setting the flag",
            )

    def _blocking(self, call: cst.Call) -> Optional[str]:
        func = call.func
        assert isinstance(func, cst.Attribute)
        method = func.attr.value
        if has_star_args(call) or has_star_kwargs(call):
            return None
        if method == "put":
            if not self._may_be_bounded(func.value) or _put_is_timed(call):
                return None
            return "put"
        if method in ("get", "wait") and _waits_forever(call) and self._is_queue_or_event(func.value, method):
            # a queue or event handed in from elsewhere may be fed (or set) by its owner to
            # wake the worker: only one this code builds is followed
            if not isinstance(_bound_value(self.model, func.value), cst.Call):
                return None
            return method
        return None

    def _is_queue_or_event(self, receiver: cst.BaseExpression, method: str) -> bool:
        path = self.model.resolve(receiver) or ""
        known = sem.QUEUE_TYPES if method == "get" else sem.EVENT_TYPES
        return path in known

    def _may_be_bounded(self, receiver: cst.BaseExpression) -> bool:
        """A queue built elsewhere (a parameter, an attribute set from one) may have a
        `maxsize`; one built here without it, or a `SimpleQueue`, never blocks `put()`."""
        path = self.model.resolve(receiver) or ""
        if path not in sem.QUEUE_TYPES or path in sem.UNBOUNDED_QUEUES:
            return False
        value = _bound_value(self.model, receiver)
        if isinstance(value, cst.Call):
            size = keyword(value, "maxsize") or positional(value, 0)
            if size is None:
                return False
            return not (isinstance(size.value, cst.Integer) and int(size.value.value, 0) <= 0)
        return True


def _bound_value(model, receiver: cst.BaseExpression) -> Optional[cst.CSTNode]:
    if isinstance(receiver, cst.Name):
        binding = model.lookup(receiver.value)
        return binding.node if binding is not None else None
    if isinstance(receiver, cst.Attribute):
        binding = model.self_attribute_binding(receiver)
        return binding.node if binding is not None else None
    return None


def _own_nodes(loop: cst.While):
    """The loop's own code, nested loops included, nested functions not."""
    stack = list(children(loop))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, NESTED_SCOPES):
            stack.extend(children(node))


def _flag(test: cst.BaseExpression) -> Optional[str]:
    """`stop.is_set()` -> "stop"; `self._running` / `not self._running` -> "self._running"."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _flag(test.expression)
    if isinstance(test, (cst.Name, cst.Attribute)):
        text = source(test)
        return None if text in ("True", "False") else text
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "is_set"
        and not test.args
    ):
        return source(test.func.value)
    return None


def _loop_flags(loop: cst.While) -> frozenset[str]:
    """The flags the loop stops on: its test, or `if <flag>: break/return` in its body."""
    flags: set[str] = set()
    test = loop.test
    parts = [test.left, test.right] if isinstance(test, cst.BooleanOperation) else [test]
    if not is_infinite(loop):
        found = [_flag(p) for p in parts]
        return frozenset(f for f in found if f is not None) if all(found) else frozenset()
    stack = list(children(loop.body))
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.For, cst.While, *NESTED_SCOPES)):
            continue  # a `break` there leaves the inner loop
        stack.extend(children(node))
        if isinstance(node, cst.If):
            block = node.body.body
            last = block[-1] if block else None
            small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
            if isinstance(small, (cst.Break, cst.Return)):
                flag = _flag(node.test)
                if flag is not None:
                    flags.add(flag)
    return frozenset(flags)


def _sentinel_names(loop: cst.While) -> set[str]:
    """Names tested against a sentinel in the loop (`if item is None: break`)."""
    names = set()
    for node in _own_nodes(loop):
        if isinstance(node, cst.If):
            found = sentinel_test(node.test)
            if found is not None:
                names.add(found[0])
    return names


def _assigned_name(call: cst.Call, loop: cst.While) -> Optional[str]:
    """`item = q.get()` in the loop: "item"."""
    for node in _own_nodes(loop):
        if isinstance(node, cst.Assign) and node.value is call and len(node.targets) == 1:
            target = node.targets[0].target
            return target.value if isinstance(target, cst.Name) else None
    return None


def _put_is_timed(call: cst.Call) -> bool:
    timeout = keyword(call, "timeout")
    if timeout is not None:
        return not is_none(timeout.value)
    block = keyword(call, "block") or positional(call, 1)
    if block is not None and not (isinstance(block.value, cst.Name) and block.value.value == "True"):
        return True  # non-blocking, or unknown
    return positional(call, 2) is not None


def _waits_forever(call: cst.Call) -> bool:
    timeout = keyword(call, "timeout")
    if timeout is not None:
        return is_none(timeout.value)
    if any(arg.keyword is None for arg in call.args):
        return False  # `get(True, 1)`, `wait(5)`, `get(False)`
    block = keyword(call, "block")
    return block is None or (isinstance(block.value, cst.Name) and block.value.value == "True")


def _flag_setters(module: cst.Module) -> dict[str, list[tuple[cst.CSTNode, Optional[cst.CSTNode]]]]:
    """flag text -> (function, its class) for each function that sets it: `flag.set()`,
    `flag = <bool>`."""
    found: dict[str, list[tuple[cst.CSTNode, Optional[cst.CSTNode]]]] = {}
    stack: list[tuple[cst.CSTNode, Optional[cst.CSTNode]]] = [(module, None)]
    while stack:
        node, owner = stack.pop()
        for child in children(node):
            stack.append((child, child if isinstance(child, cst.ClassDef) else owner))
        if not isinstance(node, cst.FunctionDef):
            continue
        for current in own_descendants(node.body):
            texts: list[str] = []
            if (
                isinstance(current, cst.Call)
                and isinstance(current.func, cst.Attribute)
                and current.func.attr.value == "set"
                and not current.args
            ):
                texts.append(source(current.func.value))
            elif (
                isinstance(current, cst.Assign)
                and isinstance(current.value, cst.Name)
                and current.value.value in ("True", "False")
            ):
                texts.extend(
                    source(t.target) for t in current.targets if isinstance(t.target, (cst.Name, cst.Attribute))
                )
            for text in texts:
                found.setdefault(text, []).append((node, owner))
    return found


def _wakes(setter: cst.CSTNode, receiver: str, method: str) -> bool:
    """The function that sets the flag also feeds the queue (`put`) or sets the event."""
    wake = ("put", "put_nowait") if method == "get" else ("set", "notify", "notify_all")
    for node in iter_descendants(setter):
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in wake
            and source(node.func.value) == receiver
        ):
            return True
        # the setter calls another method of this object: it may do the waking
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and source(node.func.value) == "self":
            if node.func.attr.value not in ("set", "clear", "join", "is_set"):
                return True
    return False
