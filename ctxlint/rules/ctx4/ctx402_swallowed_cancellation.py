"""CTX402 swallowed-cancellation."""

from __future__ import annotations

from typing import Iterator, Optional, Union

import libcst as cst

from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    NESTED_SCOPES,
    attribute_name,
    own_descendants,
    source,
)
from ctxlint.analysis.walker import children, iter_descendants
from ctxlint.rules.base import (
    ASYNC_DEF,
    BARE_EXCEPT,
    CANCELLATION_WORDS,
    COROUTINE_CATCHING_CANCELLATION,
    EXCEPT_CLAUSE,
    Rule,
)
from ctxlint.rules.ctx4.shared import LOOPS, has_checkpoint, is_infinite
from ctxlint.semantics import cancellation as sem

_Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]

class SwallowedCancellation(Rule):
    """## What it does
    Reports, in an `async def`, an `except` clause that catches the task's cancellation
    (`asyncio.CancelledError` directly or in a tuple, anyio's and trio's cancellation
    classes, `BaseException`, a bare `except:`) and can finish without re-raising it (or,
    for `BaseException` and bare `except:`, raises a different exception instead), and
    `contextlib.suppress(asyncio.CancelledError)`.

    ## Why is this bad?
    Cancellation is how asyncio stops work: `asyncio.timeout()`, `wait_for`, `TaskGroup`
    and shutdown all cancel a task and wait for the `CancelledError` to come back out. A
    handler that swallows it makes the deadline silently pass (no `TimeoutError`, the block
    keeps running), makes `wait_for` return a value instead of timing out, and breaks
    sibling cancellation in task groups.
    """

    code = "CTX402"
    name = "swallowed-cancellation"
    # Default again since issue 16 (benchmarks/precision/ctx4-ctx5.md).
    preview = False
    triggers = (EXCEPT_CLAUSE, "suppress")
    # and something that catches a cancellation: its class (asyncio's, trio's, anyio's),
    # `BaseException`, or a bare `except:`
    requires = ((ASYNC_DEF,), (*CANCELLATION_WORDS, BARE_EXCEPT), (COROUTINE_CATCHING_CANCELLATION,))
    example = """
    import asyncio

    async def poll(client):
        try:
            return await client.fetch()
        except asyncio.CancelledError:
            return None
    """
    use_instead = """
    import asyncio

    async def poll(client):
        try:
            return await client.fetch()
        except asyncio.CancelledError:
            client.abort()
            raise
    """
    known_limits = """
    Only handlers whose `try` body can be cancelled (it contains an `await`, `async for`,
    `async with` or `yield`) are checked; a clause is skipped when an earlier clause of the
    same `try` catches the same class (or `BaseException`). A handler counts as re-raising
    when every path ends in a `raise`, in `sys.exit()`, or in a call to a function of the
    same module annotated `NoReturn`; in `except BaseException`/bare `except:` only a `raise`
    of the caught exception counts (`raise ConnectError(...)` turns the cancellation into
    that error and is reported), while a handler that names `CancelledError` may raise
    whatever it decides. Trusted as deliberate, hence not reported: a `raise` together with
    an `if` that tests the cancellation itself (`cancelling()`, `isinstance(exc, ...)`); a
    call to a same-module helper that re-raises (a bare `raise` or `raise <parameter>`);
    handing the caught exception on (`x = exc`, `future.set_exception(exc)`,
    `outcomes.append(exc)`). The self-cancelled task idiom is exempt when `t.cancel()` and
    the `await` of `t` (or of something containing it, such as `gather(*tasks)` after
    cancelling each) are in the same function, also through a local alias (`task =
    self._task; task.cancel()`); a cancel in another method (`stop()`) does not count,
    because while the other method awaits, its own task's cancellation is swallowed too.
    Coroutines that run until they are cancelled are exempt: declared `-> NoReturn`, a CLI
    command (`@app.command()`), or a `try` whose body only awaits something that never
    completes on its own (`sleep(math.inf)`, `sleep_forever()`, an event nobody sets, a
    future nobody completes). Also not reported: a cleanup handler followed by statements
    that always raise (`except: try: await cleanup() except: log` then `raise`), and a
    coroutine this module only runs as its own task (`create_task(self._run())`,
    `tg.start_soon(run)`, never awaited directly or under `wait_for`) whose handler ends
    the task (no enclosing loop, or the handler ends in `return`/`break`, or leaves the
    loop when the owner's stop flag is set: `if stopping: return`): the task stops, which
    is what its canceller asked for. So a task body that swallows anyio's cancellation
    and returns (a contract violation anyio documents, with no effect on the group) is not
    reported, and a task awaited under a deadline in another module is missed.
    `concurrent.futures.CancelledError` is a different class and is not reported. A handler
    that hands the cancellation to a future it was given (`future.cancel()`,
    `future.set_exception(exc)`) passes it on. A handler for the cancellation alone
    (`except asyncio.CancelledError:`) that ends a coroutine returning nothing is left to
    CTX409 (preview): on real code it was a task root's stop path more often than a bug.
    Precision on the benchmark and service corpora: benchmarks/precision/ctx4-ctx5.md.
    """

    def visit_Try(self, node: cst.Try) -> None:
        self._check(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._check(node)

    # CTX409 (a subclass) reports the handlers this rule leaves out, and nothing else.
    STOP_PATH = False

    def visit_With(self, node: cst.With) -> None:
        if self.STOP_PATH:
            return
        function = self._async_function()
        if function is None or not has_checkpoint(node.body):
            return
        for item in node.items:
            call = item.item
            if not (isinstance(call, cst.Call) and self.model.resolve(call.func) == sem.SUPPRESS):
                continue
            caught = next((c for c in (self._catches(a.value) for a in call.args if a.star == "") if c), "")
            if not caught or self._awaits_own_cancelled_task(function, node.body):
                continue
            if self._waits_only_for_cancellation(node.body):
                continue
            if self._reraised_after(node, None) or self._ends_its_own_task(function, node, None):
                continue
            if self._runs_until_cancelled(function):
                continue
            self.report(
                call,
                f"`suppress({caught})` in `async def {function.name}` swallows the task's "
                f"cancellation: {self._consequence()}; catch it, clean up and re-raise",
            )

    def _check(self, node: Union[cst.Try, cst.TryStar]) -> None:
        # CTX402 and CTX409 judge the same handlers and split the findings: the judgement is
        # made once, by whichever of them visits the `try` first
        judged = self.context.memo.setdefault("ctx402_judged", {})
        if id(node) not in judged:
            judged[id(node)] = self._judge(node)
        for function, handler, catches_all, converts, stop_path in judged[id(node)]:
            if stop_path == self.STOP_PATH:  # CTX409's (preview), or not CTX409's
                self._report_handler(function, handler, catches_all, converts)

    def _judge(self, node: Union[cst.Try, cst.TryStar]) -> list[tuple[Scope, _Handler, bool, bool, bool]]:
        """The handlers of `node` that can end the task's cancellation: (function, handler,
        catches everything, raises another error instead, on the task's stop path)."""
        function = self._async_function()
        if function is None or not node.handlers or not has_checkpoint(node.body):
            return []
        if self._waits_only_for_cancellation(node.body):
            return []
        found = []
        seen: set[str] = set()  # cancellation classes caught by earlier handlers ("*": all)
        for handler in node.handlers:
            caught = self._caught_paths(handler.type) if handler.type is not None else {"*"}
            if not caught:
                continue
            # an earlier handler for the same class (or for all of them) gets it first
            shadowed = bool(seen) if "*" in caught else ("*" in seen or caught <= seen)
            seen |= caught
            catches_all = handler.type is None or caught == {"*"}
            if shadowed or self._awaits_own_cancelled_task(function, node.body):
                continue
            swallows = self._swallows(handler)
            converts = not swallows and catches_all and self._swallows(handler, converts=True)
            if not (swallows or converts):
                continue
            if self._reraised_after(node, handler) or self._ends_its_own_task(function, node, handler):
                continue
            if self._runs_until_cancelled(function):
                continue
            found.append((function, handler, catches_all, converts, self._is_stop_path(function, node, handler)))
        return found

    def _report_handler(self, function: Scope, handler: _Handler, catches_all: bool, converts: bool) -> None:
        if catches_all:
            clause = "bare `except:`" if handler.type is None else f"`except {self._catches(handler.type)}`"
            if converts:
                self.report(
                    handler,
                    f"{clause} in `async def {function.name}` also catches the task's cancellation "
                    f"(`asyncio.CancelledError`) and raises a different exception instead: the task no "
                    f"longer ends cancelled, so {self._converted_consequence()}; add `except "
                    f"asyncio.CancelledError: raise` before it",
                )
                return
            self.report(
                handler,
                f"{clause} in `async def {function.name}` also catches the task's cancellation "
                f"(`asyncio.CancelledError`) and can finish without re-raising it: {self._consequence()}; "
                f"add `except asyncio.CancelledError: raise` before it, or re-raise after cleanup",
            )
            return
        if isinstance(handler.type, cst.Tuple):
            clause = f"`except ({', '.join(source(e.value) for e in handler.type.elements)})`"
            if len(clause) > 80:
                clause = f"`except (..., {self._catches(handler.type)}, ...)`"
            self.report(
                handler,
                f"{clause} in `async def {function.name}` catches `{self._catches(handler.type)}` with "
                f"the other errors and can finish without re-raising it: {self._consequence()}; take it "
                f"out of the tuple, or re-raise it (`raise`) after cleanup",
            )
            return
        self.report(
            handler,
            f"`except {self._catches(handler.type)}` in `async def {function.name}` can finish without "
            f"re-raising the task's cancellation: {self._consequence()}; re-raise it (`raise`) after cleanup",
        )

    def _reraised_after(self, statement: cst.CSTNode, handler: Optional[_Handler]) -> bool:
        """The statements after `statement` in its block always raise, and the handler cannot
        jump past them: a cleanup step inside an outer handler that ends in `raise`."""
        if handler is not None and any(_may_escape(s) for s in handler.body.body):
            return False
        ancestors = self.model.ancestors
        block = ancestors[-2] if len(ancestors) >= 2 else None
        body = getattr(block, "body", None)
        if not isinstance(body, (list, tuple)):
            return False
        index = next((i for i, s in enumerate(body) if s is statement), None)
        if index is None:
            return False
        no_return = self._module_helpers()["no_return"]
        return _reraises(body[index + 1 :], lambda call: self._terminates(call, no_return))

    def _ends_its_own_task(self, function: Scope, statement: cst.CSTNode, handler: Optional[_Handler]) -> bool:
        """A coroutine run only as its own task that stops once the handler is done: its
        canceller gets what it asked for, and no caller's deadline waits on it."""
        loops = []
        for ancestor in reversed(self.model.ancestors[:-1]):
            if ancestor is function.node:
                break
            if isinstance(ancestor, LOOPS):
                loops.append(ancestor)
        if loops:
            # the handler must leave the loop, or the task goes round again after the cancel
            last = handler.body.body[-1] if handler is not None and handler.body.body else None
            small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
            leaves = isinstance(small, cst.Return) or (isinstance(small, cst.Break) and len(loops) == 1)
            # or leave it when the owner's stop flag is set (`if stopping: return`): the owner
            # sets the flag and cancels; other cancels are deliberately ridden out
            leaves = leaves or _leaves_on_stop_flag(handler, len(loops))
            if not leaves or any(isinstance(n, cst.Continue) for n in _own_loop_nodes_of(handler)):
                return False
        return self._runs_only_as_task(function)

    def _runs_only_as_task(self, function: Scope) -> bool:
        roots = self.context.memo.setdefault("ctx402_task_roots", {})
        key = id(function.node)
        if key not in roots:
            roots[key] = _only_spawned(function, self._named(), self._parents())
        return roots[key]

    def _named(self) -> dict[tuple[bool, str], list[cst.CSTNode]]:
        """The module's `Name`s as (False, name) and `Attribute`s as (True, attribute): one
        walk for every coroutine whose references are looked at."""
        named = self.context.memo.get("ctx402_named")
        if named is None:
            named = self.context.memo["ctx402_named"] = {}
            for node in iter_descendants(self.model.module_scope.node):
                if isinstance(node, cst.Name):
                    named.setdefault((False, node.value), []).append(node)
                elif isinstance(node, cst.Attribute):
                    named.setdefault((True, node.attr.value), []).append(node)
        return named

    def _parents(self) -> dict[int, cst.CSTNode]:
        parents = self.context.memo.get("ctx402_parents")
        if parents is None:
            parents = self.context.memo["ctx402_parents"] = {}
            stack: list[cst.CSTNode] = [self.model.module_scope.node]
            while stack:
                node = stack.pop()
                for child in children(node):
                    parents[id(child)] = node
                    stack.append(child)
        return parents

    def _swallows(self, handler: Union[cst.ExceptHandler, cst.ExceptStarHandler], converts: bool = False) -> bool:
        """The handler can finish without re-raising. `converts`: a `raise` of a different
        exception does not count as re-raising (a handler for everything that raises
        `ConnectError(...)` turns the cancellation into that error)."""
        helpers = self._module_helpers()
        caught = handler.name.name.value if handler.name is not None and isinstance(handler.name.name, cst.Name) else None
        is_reraise = (lambda raised: _raises_caught(raised, caught)) if converts else (lambda raised: True)
        if _reraises(handler.body.body, lambda call: self._terminates(call, helpers["no_return"]), is_reraise):
            return False
        raises = [n for n in own_descendants(handler.body) if isinstance(n, cst.Raise)]
        has_raise = any(is_reraise(n) for n in raises)
        for node in own_descendants(handler.body):
            if has_raise and isinstance(node, cst.If):
                test = source(node.test).lower()
                if "cancel" in test or "isinstance" in test:
                    return False  # a decision about this very cancellation
            if isinstance(node, cst.Call) and attribute_name(node.func) in helpers["reraising"]:
                return False
            if isinstance(node, cst.Call) and self._cancels_a_waiters_future(node):
                return False  # the cancellation is handed on to whoever waits on the future
        return not _hands_off_exception(handler)

    def _cancels_a_waiters_future(self, call: cst.Call) -> bool:
        """`future.cancel()` / `future.set_exception(...)` on a `Future` the handler's
        coroutine was given to report its outcome (anyio's `BlockingPortal._call_func`)."""
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in sem.FUTURE_OUTCOME_METHODS:
            return False
        receiver = func.value
        path = self.model.resolve(receiver) or ""
        if path in sem.FUTURE_TYPES:
            return True
        if isinstance(receiver, cst.Name):
            binding = self.model.lookup(receiver.value)
            param = binding.node if binding is not None else None
            if isinstance(param, cst.Param) and param.annotation is not None:
                annotation = param.annotation.annotation
                if isinstance(annotation, cst.Subscript):
                    annotation = annotation.value
                resolved = self.model.resolve(annotation) or ""
                return f"{resolved}()" in sem.FUTURE_TYPES
        return False

    def _terminates(self, call: cst.Call, no_return: set[str]) -> bool:
        return self.model.resolve(call.func) in sem.TERMINATING_CALLS or attribute_name(call.func) in no_return

    def _module_helpers(self) -> dict[str, set[str]]:
        """Same-module functions that never return, or that re-raise their caller's exception."""
        helpers = self.context.memo.get("ctx402_helpers")
        if helpers is None:
            helpers = self.context.memo["ctx402_helpers"] = _raising_helpers(self.model.module_scope.node, self.model)
        return helpers

    def _async_function(self) -> Optional[Scope]:
        function = self.model.function
        if function is None or function.kind != "function" or not function.is_async:
            return None
        return function

    def _catches(self, node: cst.BaseExpression) -> str:
        """The text of the first class in `node` that catches cancellation, or ""."""
        if isinstance(node, cst.Tuple):
            return next((found for e in node.elements if (found := self._catches(e.value))), "")
        return source(node) if self._cancellation_path(node) else ""

    def _caught_paths(self, node: cst.BaseExpression) -> set[str]:
        """The cancellation classes `node` catches; "*" for `BaseException`."""
        elements = [e.value for e in node.elements] if isinstance(node, cst.Tuple) else [node]
        paths = {self._cancellation_path(e) for e in elements} - {None}
        return {"*" if p == "BaseException" else p for p in paths if p is not None}

    def _cancellation_path(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Call) and attribute_name(node.func) == "get_cancelled_exc_class" and not node.args:
            return "anyio.get_cancelled_exc_class()"  # also anyio's own relative import
        path = self.model.resolve(node)
        if path is None and isinstance(node, cst.Name) and self.model.lookup(node.value) is None:
            path = node.value  # a builtin (`BaseException`), not shadowed
        return path if path in sem.CANCELLATION_CATCHERS else None

    def _converted_consequence(self) -> str:
        if self.context.target_version >= sem.ASYNCIO_TIMEOUT_SINCE:
            return "`asyncio.timeout()` raises that error instead of `TimeoutError` and a `TaskGroup` takes it for a failure"
        return "`asyncio.wait_for` raises that error instead of `asyncio.TimeoutError`"

    def _consequence(self) -> str:
        if self.context.target_version >= sem.ASYNCIO_TIMEOUT_SINCE:
            return "`asyncio.timeout()` and `TaskGroup` then miss their deadline silently"
        return "`asyncio.wait_for` then returns instead of raising `asyncio.TimeoutError`"

    def _awaits_own_cancelled_task(self, function: Scope, body: cst.CSTNode) -> bool:
        """`t.cancel()` in this function, then `await t` in `body` (SPEC's exemption). A
        cancel in another function does not count: while that await lasts, the awaiting
        task's own cancellation arrives as the same `CancelledError` and is swallowed too
        (aiohttp-sse's `wait()` awaiting the ping task that `stop()` cancels)."""
        local = function.memo.get("ctx402_cancelled")
        if local is None:
            local = function.memo["ctx402_cancelled"] = _cancelled_receivers(function.node)
        if not local:
            return False
        for current in own_descendants(body):
            if isinstance(current, cst.Await):
                mentioned = {source(current.expression)}
                mentioned.update(
                    source(n) for n in iter_descendants(current.expression) if isinstance(n, (cst.Name, cst.Attribute))
                )
                if mentioned & local:
                    return True
        return False

    def _waits_only_for_cancellation(self, body: cst.BaseSuite) -> bool:
        """The block only awaits something that never completes on its own (`sleep(inf)`,
        `sleep_forever()`, an event nobody sets, a future nobody completes): it waits for its
        own cancellation, and the handler is the coroutine's designed way out."""
        statements = body.body if isinstance(body, cst.IndentedBlock) else ()
        if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine):
            return False
        small = statements[0].body
        if len(small) != 1 or not isinstance(small[0], cst.Expr) or not isinstance(small[0].value, cst.Await):
            return False
        awaited = small[0].value.expression
        if isinstance(awaited, cst.Call):
            path = self.model.resolve(awaited.func) or ""
            if path in sem.SLEEP_FOREVER:
                return True
            if path in sem.SLEEPS and awaited.args:
                delay = awaited.args[0].value
                return self.model.resolve(delay) == "math.inf" or source(delay) in sem.INFINITIES
            func = awaited.func
            if isinstance(func, cst.Attribute) and func.attr.value == "wait" and not awaited.args:
                return self._never_completed(func.value, sem.EVENTS)
            return False
        return self._never_completed(awaited, sem.FUTURE_FACTORIES)

    def _never_completed(self, node: cst.BaseExpression, factories: frozenset[str]) -> bool:
        """A local name bound to `Event()`/`create_future()` (by name of the factory) that no
        code in this module sets or completes."""
        if not isinstance(node, cst.Name):
            return False
        binding = self.model.lookup(node.value)
        value = binding.node if binding is not None else None
        if not (isinstance(value, cst.Call) and attribute_name(value.func) in factories):
            return False
        for current in iter_descendants(self.model.module_scope.node):
            # `done.set()`, `call_later(1, done.set)`: completed; `register(done)`: may be
            if (
                isinstance(current, cst.Attribute)
                and current.attr.value in sem.FUTURE_COMPLETERS
                and isinstance(current.value, cst.Name)
                and current.value.value == node.value
            ):
                return False
            if isinstance(current, cst.Arg) and isinstance(current.value, cst.Name) and current.value.value == node.value:
                return False
        return True

    def _is_stop_path(self, function: Scope, statement: cst.CSTNode, handler: _Handler) -> bool:
        """A handler for the cancellation alone (`except asyncio.CancelledError:`, not mixed
        with other errors) in a coroutine that returns nothing, which ends the coroutine: it
        ends in `return`, or its `try` is the body's last statement (only logging after it).
        That is how a task root stops when its owner cancels it (a service's `start()`, a
        connection's read loop); it hurts only a caller that awaits it under a deadline,
        which this file cannot see (CTX409, preview)."""
        node = function.node
        if handler.type is None or not isinstance(node, cst.FunctionDef):
            return False
        elements = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
        if not all(self._cancellation_path(e) not in (None, "BaseException") for e in elements):
            return False
        if _is_generator(node) or any(
            isinstance(n, cst.Return) and n.value is not None for n in own_descendants(node.body)
        ):
            return False
        last = handler.body.body[-1] if handler.body.body else None
        small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
        if isinstance(small, cst.Return):
            return True
        body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
        if not any(s is statement for s in body):
            return False
        after = body[[i for i, s in enumerate(body) if s is statement][0] + 1 :]
        return all(_is_logging_only(s) for s in after)

    def _runs_until_cancelled(self, function: Scope) -> bool:
        """`async def start(self) -> NoReturn`: declared never to return, so it runs until it
        is cancelled, no caller can depend on it returning, and its cancellation handler is
        its way of stopping (prefect's services); or a CLI command coroutine."""
        node = function.node
        if not isinstance(node, cst.FunctionDef):
            return False
        if node.returns is not None:
            annotation = node.returns.annotation
            if isinstance(annotation, cst.SimpleString):
                text = annotation.evaluated_value if isinstance(annotation.evaluated_value, str) else ""
            else:
                text = self.model.resolve(annotation) or source(annotation)
            if text in sem.NO_RETURN_ANNOTATIONS:
                return True
        return self._is_cli_command(function)

    def _is_cli_command(self, function: Scope) -> bool:
        """`@app.command()`: the program's root coroutine, stopped by its runner at Ctrl-C."""
        node = function.node
        if not isinstance(node, cst.FunctionDef):
            return False
        for decorator in node.decorators:
            expression = decorator.decorator
            target = expression.func if isinstance(expression, cst.Call) else expression
            if isinstance(target, cst.Attribute) and target.attr.value in sem.CLI_COMMAND_DECORATORS:
                return True
        return False

def _own_loop_nodes_of(handler: Optional[_Handler]) -> Iterator[cst.CSTNode]:
    """Nodes of a handler body outside nested loops and scopes (where `continue` means its loop)."""
    if handler is None:
        return iter(())
    return _own_loop_nodes(handler)

def _is_logging_only(statement: cst.CSTNode) -> bool:
    """`pass`, or a call on a logger (`_LOGGER.debug(...)`, `log.info(...)`)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Pass):
            continue
        value = small.value if isinstance(small, cst.Expr) else None
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)):
            return False
        receiver = source(value.func.value).lower()
        if not ("log" in receiver or receiver == "print"):
            return False
    return True


def _leaves_on_stop_flag(handler: Optional[_Handler], loops: int) -> bool:
    """An `if <flag>:` in the handler whose block ends in `return`, `raise` or (out of the
    one enclosing loop) `break`; the flag is names and attributes (`stopping`,
    `self._closed or self.is_closed`, `not self._running`)."""
    if handler is None:
        return False
    for node in own_descendants(handler.body):
        if not isinstance(node, cst.If) or not _is_flag(node.test):
            continue
        block = node.body.body
        last = block[-1] if block else None
        small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
        if isinstance(small, (cst.Return, cst.Raise)) or (isinstance(small, cst.Break) and loops == 1):
            return True
    return False


def _is_flag(test: cst.BaseExpression) -> bool:
    if isinstance(test, (cst.Name, cst.Attribute)):
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _is_flag(test.expression)
    if isinstance(test, cst.BooleanOperation):
        return _is_flag(test.left) and _is_flag(test.right)
    return False


def _is_generator(function: cst.CSTNode) -> bool:
    body = function.body if isinstance(function, cst.FunctionDef) else function
    return any(isinstance(node, cst.Yield) for node in own_descendants(body))

def _only_spawned(function: Scope, named: dict[tuple[bool, str], list[cst.CSTNode]], parents: dict[int, cst.CSTNode]) -> bool:
    """Whether this module runs `function` only as a task of its own: every reference hands
    the coroutine to a call (`create_task(f())`, `ensure_future(self.f())`) or the function
    to a task spawner (`tg.start_soon(f)`), none awaits it directly or under a deadline."""
    node = function.node
    if not isinstance(node, cst.FunctionDef) or node.asynchronous is None or _is_generator(node):
        return False
    name = function.name
    owner = function.parent.node if function.parent is not None and function.parent.kind == "class" else None
    references = 0
    for current in named.get((owner is not None, name), ()):
        if owner is not None:
            receiver = current.value
            if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
                if _enclosing_class(current, parents) is not owner:
                    continue  # another class's own attribute of the same name
        elif not _is_load(current, parents):
            continue
        if not _hands_to_a_task(current, parents):
            return False
        references += 1
    return references > 0

def _is_load(name: cst.Name, parents: dict[int, cst.CSTNode]) -> bool:
    parent = parents.get(id(name))
    if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param, cst.AsName, cst.ImportAlias, cst.AssignTarget)):
        return False
    if isinstance(parent, cst.Attribute) and parent.attr is name:
        return False
    return not (isinstance(parent, cst.Arg) and parent.keyword is name)

def _enclosing_class(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> Optional[cst.CSTNode]:
    current = parents.get(id(node))
    while current is not None and not isinstance(current, cst.ClassDef):
        current = parents.get(id(current))
    return current

def _hands_to_a_task(reference: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> bool:
    parent = parents.get(id(reference))
    if isinstance(parent, cst.Call) and parent.func is reference:
        # `spawn(f(...))`: the coroutine object is handed to a call that is not awaited
        # (a task factory), or awaited but a combinator that re-raises the awaiter's cancel
        arg = parents.get(id(parent))
        receiver = parents.get(id(arg)) if isinstance(arg, cst.Arg) and arg.value is parent else None
        if not isinstance(receiver, cst.Call):
            return False
        callee = attribute_name(receiver.func) or ""
        if callee in sem.DEADLINE_WRAPPERS:
            return False
        if isinstance(parents.get(id(receiver)), cst.Await):
            return callee in sem.AWAITED_COMBINATORS
        return True
    if isinstance(parent, cst.Arg) and parent.value is reference:
        receiver = parents.get(id(parent))  # `tg.start_soon(f, ...)`
        return isinstance(receiver, cst.Call) and attribute_name(receiver.func) in sem.TASK_SPAWNERS
    return False

def _cancelled_receivers(scope: cst.CSTNode, nested: bool = True) -> set[str]:
    """Texts of `X` in `X.cancel()`, plus `xs` for `for x in xs: x.cancel()`, plus what a
    cancelled local aliases (`task = self._task; task.cancel()` cancels `self._task`).
    `nested=False`: not looking into nested functions (each is its own scope)."""
    found: set[str] = set()
    aliases: dict[str, set[str]] = {}
    for node in iter_descendants(scope) if nested else own_descendants(scope):
        if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            if isinstance(node.value, (cst.Name, cst.Attribute, cst.Subscript)):
                aliases.setdefault(node.targets[0].target.value, set()).add(source(node.value))
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "cancel":
            found.add(source(node.func.value))
        elif isinstance(node, cst.For) and isinstance(node.target, cst.Name):
            target = node.target.value
            if any(
                isinstance(n, cst.Call)
                and isinstance(n.func, cst.Attribute)
                and n.func.attr.value == "cancel"
                and isinstance(n.func.value, cst.Name)
                and n.func.value.value == target
                for n in own_descendants(node.body)
            ):
                found.add(source(node.iter))
    for name in list(found):
        found |= aliases.get(name, set())
    return found

def _raising_helpers(module: cst.Module, model) -> dict[str, set[str]]:
    """Names of module functions annotated `NoReturn`, and of those that re-raise (a bare
    `raise` outside any handler, or `raise <parameter>`): called from a handler, they raise.
    One walk of the module's statements (a `raise` or a `def` is never inside an
    expression): each is seen with the function whose own code it is and whether it is
    inside one of that function's handlers."""
    no_return: set[str] = set()
    reraising: set[str] = set()
    # (node, the function whose own code it is, its parameters, inside one of its handlers)
    stack: list[tuple[cst.CSTNode, Optional[cst.FunctionDef], frozenset, bool]] = [(module, None, frozenset(), False)]
    while stack:
        node, function, parameters, in_handler = stack.pop()
        if isinstance(node, cst.FunctionDef):
            if _annotated_no_return(node, model):
                no_return.add(node.name.value)
                function = None  # its raises say nothing more
            else:
                function = node
            params = node.params
            parameters = frozenset(p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params))
            in_handler = False
            stack.extend((child, function, parameters, False) for child in _statements_in(node.body))
            continue
        if isinstance(node, cst.ClassDef):
            function, in_handler = None, False  # not the enclosing function's own code
        elif isinstance(node, cst.Raise) and function is not None:
            if node.exc is None and not in_handler:
                reraising.add(function.name.value)
            elif isinstance(node.exc, cst.Name) and node.exc.value in parameters:
                reraising.add(function.name.value)
        inner = in_handler or isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler))
        stack.extend((child, function, parameters, inner) for child in _statements_in(node))
    return {"no_return": no_return, "reraising": reraising}


_BLOCK_NODES = (
    cst.BaseStatement, cst.BaseSmallStatement, cst.BaseSuite, cst.ExceptHandler, cst.ExceptStarHandler,
    cst.Else, cst.Finally, cst.MatchCase,
)
_IS_BLOCK_NODE: dict[type, bool] = {}


def _statements_in(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The children of `node` that are statements or hold them (blocks, clauses)."""
    found = []
    for child in children(node):
        kind = type(child)
        block = _IS_BLOCK_NODE.get(kind)
        if block is None:
            block = _IS_BLOCK_NODE[kind] = issubclass(kind, _BLOCK_NODES)
        if block:
            found.append(child)
    return found


def _annotated_no_return(node: cst.FunctionDef, model) -> bool:
    if node.returns is None:
        return False
    annotation = node.returns.annotation
    if isinstance(annotation, cst.SimpleString):
        text = annotation.evaluated_value if isinstance(annotation.evaluated_value, str) else ""
    else:
        text = model.resolve(annotation) or source(annotation)
    return text in sem.NO_RETURN_ANNOTATIONS


def _hands_off_exception(handler: Union[cst.ExceptHandler, cst.ExceptStarHandler]) -> bool:
    """`x = exc`, `self.error = exc`, `future.set_exception(exc)`, `outcomes.append(Error(exc))`."""
    if handler.name is None or not isinstance(handler.name.name, cst.Name):
        return False
    name = handler.name.name.value

    def is_name(node: cst.CSTNode) -> bool:
        return isinstance(node, cst.Name) and node.value == name

    for node in own_descendants(handler.body):
        if isinstance(node, (cst.Assign, cst.AnnAssign)) and node.value is not None:
            value = node.value
            elements = [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else [value]
            if any(is_name(e) for e in elements):
                return True
        if isinstance(node, cst.Call) and attribute_name(node.func) in sem.EXCEPTION_HANDOFF_METHODS:
            if any(is_name(n) for arg in node.args for n in (arg.value, *iter_descendants(arg.value))):
                return True
    return False

def _raises_caught(raised: cst.Raise, caught: Optional[str]) -> bool:
    """`raise`, `raise exc` or `raise exc.with_traceback(tb)` for the caught `exc`."""
    exc = raised.exc
    if exc is None:
        return True
    if isinstance(exc, cst.Call) and isinstance(exc.func, cst.Attribute):
        exc = exc.func.value
    return caught is not None and isinstance(exc, cst.Name) and exc.value == caught


def _reraises(statements, terminates, is_reraise=lambda raised: True) -> bool:
    """Whether every path through `statements` ends in a raise (or never ends)."""
    for statement in statements:
        if _may_escape(statement):
            return False
        if _statement_reraises(statement, terminates, is_reraise):
            return True
    return False

def _may_escape(statement: cst.CSTNode) -> bool:
    """A `return`, or a `break`/`continue` leaving the handler, somewhere in `statement`."""
    stack: list[tuple[cst.CSTNode, bool]] = [(statement, False)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, NESTED_SCOPES):
            continue
        if isinstance(node, cst.Return):
            return True
        if isinstance(node, (cst.Break, cst.Continue)) and not in_loop:
            return True
        if isinstance(node, LOOPS):
            # a loop's `else:` is outside it for break/continue
            stack.extend((child, child is not node.orelse or in_loop) for child in children(node))
            continue
        stack.extend((child, in_loop) for child in children(node))
    return False

def _statement_reraises(statement: cst.CSTNode, terminates, is_reraise=lambda raised: True) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Raise):
                return is_reraise(small)
            value = small.value if isinstance(small, cst.Expr) else None
            if isinstance(value, cst.Await):
                value = value.expression
            if isinstance(value, cst.Call) and terminates(value):
                return True
        return False
    if isinstance(statement, cst.If):
        if not _reraises(statement.body.body, terminates, is_reraise) or statement.orelse is None:
            return False
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            return _statement_reraises(orelse, terminates, is_reraise)
        return _reraises(orelse.body.body, terminates, is_reraise)
    if isinstance(statement, (cst.Try, cst.TryStar)):
        if statement.finalbody is not None and _reraises(statement.finalbody.body.body, terminates, is_reraise):
            return True
        return _reraises(statement.body.body, terminates, is_reraise) and all(
            _reraises(h.body.body, terminates, is_reraise) for h in statement.handlers
        )
    if isinstance(statement, cst.With):
        return _reraises(statement.body.body, terminates, is_reraise)
    if isinstance(statement, LOOPS):
        has_break = any(isinstance(n, cst.Break) for n in _own_loop_nodes(statement))
        if isinstance(statement, cst.While) and is_infinite(statement) and not has_break:
            return True  # never finishes
        if isinstance(statement, cst.For) and _iterates_at_least_once(statement):
            if _reraises(statement.body.body, terminates, is_reraise):
                return True
        return statement.orelse is not None and not has_break and _reraises(statement.orelse.body.body, terminates, is_reraise)
    if isinstance(statement, cst.Match):
        last = statement.cases[-1] if statement.cases else None
        irrefutable = (
            last is not None
            and last.guard is None
            and isinstance(last.pattern, cst.MatchAs)
            and last.pattern.pattern is None
        )
        return irrefutable and all(_reraises(case.body.body, terminates, is_reraise) for case in statement.cases)
    return False

def _iterates_at_least_once(loop: cst.For) -> bool:
    """`for x in [1, 2]:` / `for x in range(3):`: the body runs at least once."""
    iterable = loop.iter
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
        return any(isinstance(e, (cst.Element, cst.DictElement)) for e in iterable.elements)
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range":
        bounds = [a.value for a in iterable.args]
        if len(bounds) == 1 and isinstance(bounds[0], cst.Integer):
            return int(bounds[0].value, 0) > 0
    return False

def _own_loop_nodes(loop: Union[cst.For, cst.While]) -> Iterator[cst.CSTNode]:
    """Nodes of the loop body, not descending into nested loops or scopes."""
    stack = list(children(loop.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (*LOOPS, *NESTED_SCOPES)):
            continue
        stack.extend(children(node))
