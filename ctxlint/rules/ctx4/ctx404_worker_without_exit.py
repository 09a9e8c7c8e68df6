"""CTX404 worker-without-exit."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    has_star_args,
    has_star_kwargs,
    is_none,
    keyword,
    own_descendants,
    positional,
    source,
)
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import INFINITE_LOOP, Rule
from ctxlint.rules.ctx4.shared import exits, is_infinite
from ctxlint.semantics import cancellation as sem
from ctxlint.semantics import concurrency


class WorkerWithoutExit(Rule):
    """## What it does
    Reports an infinite loop (`while True:`) with no `break`, `return` or `raise` that
    blocks in `.get()`, `.wait()`, `.join()`, `.result()`, `.acquire()`, `.recv()` or
    `.accept()` without a timeout, in a function run as a thread or executor target (or in
    the `run()` of a `threading.Thread` subclass).

    ## Why is this bad?
    Such a thread can never be stopped: no stop flag is ever checked because the thread
    sits in a call that waits forever, and no message makes the loop end. Shutdown hangs on
    `join()` (or, for a daemon thread, the work is killed mid-item at exit), executor
    `shutdown(wait=True)` never returns, and tests leak threads.
    """

    code = "CTX404"
    name = "worker-without-exit"
    triggers = ("Thread", "Timer", "start_new", "submit", "run_in_executor", "to_thread")
    requires = ((INFINITE_LOOP,),)
    example = """
    import queue
    import threading

    jobs = queue.Queue()

    def worker():
        while True:
            job = jobs.get()
            job.run()

    threading.Thread(target=worker, daemon=True).start()
    """
    use_instead = """
    import queue
    import threading

    jobs = queue.Queue()

    def worker():
        while True:
            job = jobs.get()
            if job is None:  # the shutdown sentinel
                break
            job.run()

    threading.Thread(target=worker, daemon=True).start()
    """
    known_limits = """
    Targets are found in the same module: a function or method named in `Thread(target=)`,
    `Timer`, `_thread.start_new_thread`, `executor.submit`, `run_in_executor`,
    `asyncio.to_thread` (directly or through `functools.partial`), and `run()` of a
    `threading.Thread` subclass. Only `while True:`/`while 1:` loops are checked, and any
    `raise` inside the loop counts as an exit. `.recv(n)` on a socket counts as blocking
    only when the module never calls `settimeout`/`setblocking`/`setdefaulttimeout`.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        self._target_ids: set[int] = set()
        self._target_names: set[str] = set()  # module-level functions named as targets
        self._target_methods: set[tuple[int, str]] = set()  # (class node id, method name)
        self._loops: list[tuple[cst.While, Scope, str]] = []

    def visit_Call(self, node: cst.Call) -> None:
        target = self._target(node)
        if target is not None:
            self._remember_target(target)

    def visit_While(self, node: cst.While) -> None:
        function = self.model.def_function
        if function is None or function.is_async or not is_infinite(node) or exits(node, self.model):
            return
        call = next((c for c in own_descendants(node) if isinstance(c, cst.Call) and _blocks_forever(c)), None)
        if call is not None:
            self._loops.append((node, function, source(call.func)))

    def leave_Module(self, node: cst.Module) -> None:
        sockets_have_timeouts: Optional[bool] = None
        for loop, function, blocking in self._loops:
            if not self._is_target(function):
                continue
            if blocking.endswith(".recv"):
                if sockets_have_timeouts is None:
                    sockets_have_timeouts = _sets_socket_timeouts(node)
                if sockets_have_timeouts:
                    continue
            kind = "`run()` of a Thread subclass" if self._is_thread_run(function) else f"worker `{function.name}`"
            self.report(
                loop,
                f"The infinite loop in {kind} blocks in `{blocking}()` without a timeout and has no "
                f"`break`/`return`: the thread can never be stopped; use a sentinel value that breaks "
                f"the loop, or a timeout and a stop event",
            )

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

def _blocks_forever(call: cst.Call) -> bool:
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

def _sets_socket_timeouts(module: cst.Module) -> bool:
    return any(
        isinstance(n, cst.Call) and attribute_name(n.func) in ("settimeout", "setblocking", "setdefaulttimeout")
        for n in iter_descendants(module)
    )
