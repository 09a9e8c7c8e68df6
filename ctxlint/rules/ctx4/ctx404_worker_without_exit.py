"""CTX404 worker-without-exit."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    attribute_name,
    own_descendants,
    source,
)
from ctxlint.analysis.walker import children, iter_descendants
from ctxlint.rules.base import INFINITE_LOOP
from ctxlint.rules.ctx4.shared import (
    LOOPS,
    ThreadTargetRule,
    blocks_forever,
    exits,
    handler_may_fire_while_waiting,
    is_infinite,
    sentinel_test,
)
from ctxlint.semantics import cancellation as sem


class WorkerWithoutExit(ThreadTargetRule):
    """## What it does
    Reports an infinite loop (`while True:`) that blocks in `.get()`, `.wait()`, `.join()`,
    `.result()`, `.acquire()`, `.recv()` or `.accept()` without a timeout and has no
    `break`, `return` or `raise` that can be reached while it waits, in a function run as
    a thread or executor target (or in the `run()` of a `threading.Thread` subclass).

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
    `threading.Thread` subclass. Only `while True:`/`while 1:` loops are checked. A
    `break`, `return` or `raise` counts as an exit except in two cases: inside an `except`
    handler whose `try` holds no wait that can raise (a blocking `get()`, `wait()`,
    `join()` or `acquire()` never raises; a timed or non-blocking call, `recv()`,
    `accept()` or `result()` can), and behind a sentinel test (`if item is None: break`)
    for `None` on a value read from a queue that is a local of an enclosing function or a
    private attribute (`self._queue`), never handed to other code, and never given `None`
    by a `put` in this module (a dedicated sentinel object, `if item is _STOP:`, is taken
    to be sent by someone). `.recv(n)` on a socket counts as blocking only when the module
    never calls `settimeout`/`setblocking`/`setdefaulttimeout`. Loops that test a stop
    flag (`while not stop.is_set():`) are CTX408's.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        self._loops: list[tuple[cst.While, Scope, str, bool]] = []

    def visit_While(self, node: cst.While) -> None:
        function = self.model.def_function
        if function is None or function.is_async or not is_infinite(node) or self._exits(node):
            return
        call = next((c for c in own_descendants(node) if isinstance(c, cst.Call) and blocks_forever(c)), None)
        if call is not None:
            self._loops.append((node, function, source(call.func), exits(node, self.model)))

    def _exits(self, loop: cst.While) -> bool:
        """Whether the loop has a real way out: a `break`, `return`, `raise` or `sys.exit()`
        that a stopping thread can reach. Not one reached only from an `except` handler whose
        `try` cannot raise while the thread waits (a blocking `get()`/`wait()`/`join()`/
        `acquire()` never raises; hydrus#750's `except ShutdownException: return` needs the
        work item itself to raise), nor one guarded by a sentinel test (`if item is None:
        break`) when nothing in this module ever sends that sentinel to a queue only this
        module can reach (flaat#25)."""
        # (node, inside a nested loop, the `try` and handler holding it, the `if` guarding it)
        stack: list[tuple[cst.CSTNode, bool, Optional[tuple], Optional[cst.If]]] = [
            (child, False, None, None) for child in children(loop)
        ]
        while stack:
            node, inner, handled_by, guard = stack.pop()
            if isinstance(node, NESTED_SCOPES):
                continue
            is_exit = isinstance(node, (cst.Return, cst.Raise)) or (isinstance(node, cst.Break) and not inner)
            if not is_exit and isinstance(node, cst.Call) and self.model.resolve(node.func) in sem.TERMINATING_CALLS:
                is_exit = True
            if is_exit:
                if handled_by is not None and not handler_may_fire_while_waiting(*handled_by):
                    continue
                if guard is not None and self._sentinel_never_sent(loop, guard.test):
                    continue
                return True
            now_inner = inner or isinstance(node, LOOPS)
            if isinstance(node, (cst.Try, cst.TryStar)):
                stack.extend((child, now_inner, handled_by, guard) for child in children(node.body))
                for handler in node.handlers:
                    stack.extend((child, now_inner, (node, handler), guard) for child in children(handler))
                for extra in (node.orelse, node.finalbody):
                    if extra is not None:
                        stack.extend((child, now_inner, handled_by, guard) for child in children(extra))
                continue
            if isinstance(node, cst.If):
                stack.append((node.test, now_inner, handled_by, guard))
                stack.extend((child, now_inner, handled_by, node) for child in children(node.body))
                if node.orelse is not None:
                    stack.append((node.orelse, now_inner, handled_by, None))
                continue
            stack.extend((child, now_inner, handled_by, guard) for child in children(node))
        return False

    def _sentinel_never_sent(self, loop: cst.While, test: cst.BaseExpression) -> bool:
        """`if item is None:` where `item = <queue>.get()` in the loop, the queue is a local of
        an enclosing function or a private attribute (`self._queue`) that is never handed to
        other code, and no `put(...)` in this module sends `None`. A dedicated sentinel object
        (`if item is _STOP:`) is taken to be sent by someone: it exists for nothing else."""
        sentinel = sentinel_test(test)
        if sentinel is None:
            return False
        name, value = sentinel
        if value != "None":
            return False  # a dedicated sentinel object (`_TERMINATOR = object()`) exists to be sent
        queue = None
        for node in own_descendants(loop):
            if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
                func = node.value.func
                targets = [t.target for t in node.targets]
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value == "get"
                    and any(isinstance(t, cst.Name) and t.value == name for t in targets)
                ):
                    queue = func.value
        if queue is None:
            return False
        text = source(queue)
        region: cst.CSTNode = self.model.module_scope.node
        if isinstance(queue, cst.Name):
            binding = self.model.lookup(queue.value)
            if binding is None or self.model.module_scope.bindings.get(queue.value) is binding:
                return False  # a parameter or a module global: other code may send it
            if not isinstance(binding.node, cst.Call):
                return False  # a parameter, or an alias of an attribute: other code may send it
            scope: Optional[Scope] = self.model.scope
            while scope is not None and scope.bindings.get(queue.value) is not binding:
                scope = scope.parent
            if scope is None:
                return False
            region = scope.node  # the function whose local it is
        elif not (
            isinstance(queue, cst.Attribute)
            and isinstance(queue.value, cst.Name)
            and queue.value.value == "self"
            and queue.attr.value.startswith("_")
        ):
            return False
        else:
            scope = self.model.function.enclosing_class if self.model.function is not None else None
            if scope is None:
                return False
            region = scope.node  # the class whose private attribute it is
        for node in iter_descendants(region):
            if isinstance(node, cst.Arg) and source(node.value) == text:
                return False  # handed to other code, which may send the sentinel
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and node.func.attr.value in ("put", "put_nowait")
                and source(node.func.value) == text
                and any(value in source(arg.value) for arg in node.args)
            ):
                return False
        return True

    def leave_Module(self, node: cst.Module) -> None:
        sockets_have_timeouts: Optional[bool] = None
        for loop, function, blocking, unreachable_exit in self._loops:
            if not self._is_target(function):
                continue
            if blocking.endswith(".recv"):
                if sockets_have_timeouts is None:
                    sockets_have_timeouts = _sets_socket_timeouts(node)
                if sockets_have_timeouts:
                    continue
            kind = "`run()` of a Thread subclass" if self._is_thread_run(function) else f"worker `{function.name}`"
            if unreachable_exit:
                exit_text = (
                    "its only `break`/`return` cannot be reached while it waits (an `except` for an error "
                    "the wait never raises, or a sentinel nothing in this module sends)"
                )
            else:
                exit_text = "has no `break`/`return`"
            self.report(
                loop,
                f"The infinite loop in {kind} blocks in `{blocking}()` without a timeout and {exit_text}: "
                f"the thread can never be stopped; use a sentinel value that breaks the loop, or a timeout "
                f"and a stop event",
            )

def _sets_socket_timeouts(module: cst.Module) -> bool:
    return any(
        isinstance(n, cst.Call) and attribute_name(n.func) in ("settimeout", "setblocking", "setdefaulttimeout")
        for n in iter_descendants(module)
    )
