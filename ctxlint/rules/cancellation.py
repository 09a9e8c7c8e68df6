"""CTX4xx: work nobody can stop or wait for (tasks, cancellation, timeouts, workers, clients)."""

from __future__ import annotations

from typing import Iterator, Optional, Union

import libcst as cst

from ctxlint import gate
from ctxlint.model import Scope
from ctxlint.ownership import is_global_name, is_handled, uses
from ctxlint.rules.base import Rule
from ctxlint.semantics import cancellation as sem
from ctxlint.semantics import concurrency
from ctxlint.syntax import (
    argument,
    attribute_name,
    has_star_args,
    has_star_kwargs,
    is_none,
    NESTED_SCOPES,
    keyword,
    own_descendants,
    positional,
    source,
)
from ctxlint.walker import children, iter_descendants

_LOOPS = (cst.For, cst.While)
_Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]


def _is_infinite(loop: cst.While) -> bool:
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


def _exits(loop: cst.While, model) -> bool:
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
        inner = in_inner_loop or isinstance(node, _LOOPS)
        stack.extend((child, inner) for child in children(node))
    return False


def _has_checkpoint(node: cst.CSTNode) -> bool:
    """An `await`, `async for`, `async with` or `yield` that runs as part of `node`."""
    for current in own_descendants(node):
        if isinstance(current, (cst.Await, cst.Yield)):
            return True
        if isinstance(current, (cst.For, cst.With)) and current.asynchronous is not None:
            return True
        if isinstance(current, cst.CompFor) and current.asynchronous is not None:
            return True
    return False


class _OwnedValueRule(Rule):
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
        name = _assigned_name(parent, value)
        function = self.model.function
        if name is None or function is None or function.kind != "function":
            return None  # module and class attributes keep their value alive
        if is_global_name(function.node, name):
            return None
        if value is not node:
            # a list of them: any use of the list (`tasks[0].cancel()`, `len(tasks)`) counts
            return None if uses(function.node, name) else name
        return None if is_handled(function.node, name, release, handling) else name


def _assigned_name(parent: Optional[cst.CSTNode], value: cst.CSTNode) -> Optional[str]:
    if isinstance(parent, cst.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(parent, cst.AnnAssign) and parent.value is value and isinstance(parent.target, cst.Name):
        return parent.target.value
    return None


class DanglingTask(_OwnedValueRule):
    """## What it does
    Reports a task created by `asyncio.create_task`, `asyncio.ensure_future` or
    `loop.create_task` whose result is discarded, or bound to a local name that is never
    awaited, cancelled, stored, passed on or given a done callback.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task. A task nobody references can be
    garbage collected while it waits: its work silently stops half-way (the coroutine is
    closed, "Task was destroyed but it is pending!" is logged), its exception is never
    seen, and nobody can cancel it or wait for it at shutdown.
    """

    code = "CTX401"
    name = "dangling-task"
    triggers = ("create_task", "ensure_future")
    modules = ("asyncio",)
    example = """
    import asyncio

    async def handle(request):
        asyncio.create_task(send_audit_log(request))
        return "ok"
    """
    use_instead = """
    import asyncio

    background_tasks = set()

    async def handle(request):
        task = asyncio.create_task(send_audit_log(request))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
        return "ok"
    """
    known_limits = """
    Ownership follows the SPEC's transfer rule, not data flow: any use of the name that
    hands the task on (`await`, a call argument, a container, an attribute, `return`,
    `cancel()`, `add_done_callback`) counts, even on one branch only. A task rebound in a
    loop whose last value alone is awaited is not reported. `TaskGroup.create_task` is never
    reported (the group holds its tasks); neither is `loop.create_task` on a loop that
    cannot be resolved. The message suggests `asyncio.TaskGroup` only from target-version
    py311 on.
    """

    def visit_Call(self, node: cst.Call) -> None:
        factory = self._factory(node)
        if factory is None:
            return
        name = self.unowned(node, sem.TASK_RELEASE_METHODS, sem.TASK_HANDLING_METHODS)
        if name is None:
            return
        remedy = "keep a reference (add it to a set and discard it in a done callback)"
        if self.context.target_version >= sem.TASK_GROUP_SINCE:
            remedy += " or create it in an `asyncio.TaskGroup`"
        coroutine = positional(node, 0)
        running = ""
        if coroutine is not None:
            value = coroutine.value
            running = f"{source(value.func)}(...)" if isinstance(value, cst.Call) else source(value)
        created = f"`{factory}({running})`"
        if name:
            subject = f"Task `{name}` from {created} is never awaited, cancelled or stored"
        else:
            subject = f"The task from {created} is discarded"
        self.report(
            node,
            f"{subject}: the event loop keeps only a weak reference, so it can vanish mid-flight "
            f"and nobody can cancel or await it; {remedy}",
        )

    def _factory(self, node: cst.Call) -> Optional[str]:
        path = self.model.resolve(node.func) or ""
        if path in sem.TASK_FACTORIES:
            return path
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "create_task"
            and path[: -len(".create_task")] in sem.EVENT_LOOPS
        ):
            return f"{source(func.value)}.create_task"
        return None


class SwallowedCancellation(Rule):
    """## What it does
    Reports, in an `async def`, an `except` clause that catches the task's cancellation
    (`asyncio.CancelledError` directly or in a tuple, `BaseException`, a bare `except:`)
    and can finish without re-raising, and `contextlib.suppress(asyncio.CancelledError)`.

    ## Why is this bad?
    Cancellation is how asyncio stops work: `asyncio.timeout()`, `wait_for`, `TaskGroup`
    and shutdown all cancel a task and wait for the `CancelledError` to come back out. A
    handler that swallows it makes the deadline silently pass (no `TimeoutError`, the block
    keeps running), makes `wait_for` return a value instead of timing out, and breaks
    sibling cancellation in task groups.
    """

    code = "CTX402"
    name = "swallowed-cancellation"
    # Preview since issue 10: on the benchmark corpus 9 true positives in a sample of 50
    # before the fixes below, 11 in 15 (6 more debatable) after them; see "Known limits"
    # and benchmarks/PRECISION.md.
    preview = True
    triggers = (gate.EXCEPT_CLAUSE, "suppress")
    requires = ((gate.ASYNC_DEF,),)
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
    when every path ends in any `raise`, in `sys.exit()`, or in a call to a function of the
    same module annotated `NoReturn`. Trusted as deliberate, hence not reported: a `raise`
    together with an `if` that tests the cancellation itself (`cancelling()`,
    `isinstance(exc, ...)`); a call to a same-module helper that re-raises (a bare `raise`
    or `raise <parameter>`); handing the caught exception on (`x = exc`,
    `future.set_exception(exc)`, `outcomes.append(exc)`). The self-cancelled task idiom is
    exempt: `t.cancel()` in the function (for `self.t` or a module global, anywhere in the
    module) and an `await` of `t`, or of something containing it such as `gather(*tasks)`
    after cancelling each, in the `try` body; a cancel through a local alias
    (`task = self._task; task.cancel()`) counts for `self._task`. Also not reported: a
    cleanup handler followed by statements that always raise (`except: try: await
    cleanup() except: log` then `raise`), and a coroutine this module only runs as its own
    task (`create_task(self._run())`, `tg.start_soon(run)`, never awaited directly or
    under `wait_for`) whose handler ends the task (no enclosing loop, or the handler ends
    in `return`/`break`): the task stops, which is what its canceller asked for. A task
    that is awaited under a deadline elsewhere (`wait_for(task, 5)`) is then missed.
    `concurrent.futures.CancelledError` is a different class and is not reported.

    Why preview: whether a swallowed cancellation breaks anything depends on who awaits
    the coroutine, which a file-local rule cannot see. On the benchmark corpus
    (benchmarks/PRECISION.md) the remaining false positives are coroutines whose
    only caller cannot be under a deadline: a CLI command's top-level coroutine, a "run
    until cancelled" service method, a helper whose only caller returns right after, test
    callbacks; others are deliberate (reconnect and flush loops that ignore a cancel that
    is not their owner's stop, temporal's evictions that must finish). Precision there is
    11 of 15 (73%), below the 90% a default rule needs.
    """

    def visit_Try(self, node: cst.Try) -> None:
        self._check(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._check(node)

    def visit_With(self, node: cst.With) -> None:
        function = self._async_function()
        if function is None or not _has_checkpoint(node.body):
            return
        for item in node.items:
            call = item.item
            if not (isinstance(call, cst.Call) and self.model.resolve(call.func) == sem.SUPPRESS):
                continue
            caught = next((c for c in (self._catches(a.value) for a in call.args if a.star == "") if c), "")
            if not caught or self._awaits_own_cancelled_task(function, node.body):
                continue
            if self._reraised_after(node, None) or self._ends_its_own_task(function, node, None):
                continue
            self.report(
                call,
                f"`suppress({caught})` in `async def {function.name}` swallows the task's "
                f"cancellation: {self._consequence()}; catch it, clean up and re-raise",
            )

    def _check(self, node: Union[cst.Try, cst.TryStar]) -> None:
        function = self._async_function()
        if function is None or not node.handlers or not _has_checkpoint(node.body):
            return
        seen: set[str] = set()  # cancellation classes caught by earlier handlers ("*": all)
        for handler in node.handlers:
            caught = self._caught_paths(handler.type) if handler.type is not None else {"*"}
            if not caught:
                continue
            # an earlier handler for the same class (or for all of them) gets it first
            shadowed = bool(seen) if "*" in caught else ("*" in seen or caught <= seen)
            seen |= caught
            if shadowed or not self._swallows(handler) or self._awaits_own_cancelled_task(function, node.body):
                continue
            if self._reraised_after(node, handler) or self._ends_its_own_task(function, node, handler):
                continue
            if handler.type is None or caught == {"*"}:
                clause = "bare `except:`" if handler.type is None else f"`except {self._catches(handler.type)}`"
                self.report(
                    handler,
                    f"{clause} in `async def {function.name}` also catches the task's cancellation "
                    f"(`asyncio.CancelledError`) and can finish without re-raising it: {self._consequence()}; "
                    f"add `except asyncio.CancelledError: raise` before it, or re-raise after cleanup",
                )
                continue
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
            if isinstance(ancestor, _LOOPS):
                loops.append(ancestor)
        if loops:
            # the handler must leave the loop, or the task goes round again after the cancel
            last = handler.body.body[-1] if handler is not None and handler.body.body else None
            small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
            leaves = isinstance(small, cst.Return) or (isinstance(small, cst.Break) and len(loops) == 1)
            if not leaves or any(isinstance(n, cst.Continue) for n in _own_loop_nodes_of(handler)):
                return False
        return self._runs_only_as_task(function)

    def _runs_only_as_task(self, function: Scope) -> bool:
        roots = self.context.memo.setdefault("ctx402_task_roots", {})
        key = id(function.node)
        if key not in roots:
            roots[key] = _only_spawned(function, self.model.module_scope.node, self._parents())
        return roots[key]

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

    def _swallows(self, handler: Union[cst.ExceptHandler, cst.ExceptStarHandler]) -> bool:
        helpers = self._module_helpers()
        if _reraises(handler.body.body, lambda call: self._terminates(call, helpers["no_return"])):
            return False
        has_raise = any(isinstance(n, cst.Raise) for n in own_descendants(handler.body))
        for node in own_descendants(handler.body):
            if has_raise and isinstance(node, cst.If):
                test = source(node.test).lower()
                if "cancel" in test or "isinstance" in test:
                    return False  # a decision about this very cancellation
            if isinstance(node, cst.Call) and attribute_name(node.func) in helpers["reraising"]:
                return False
        return not _hands_off_exception(handler)

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
        path = self.model.resolve(node)
        if path is None and isinstance(node, cst.Name) and self.model.lookup(node.value) is None:
            path = node.value  # a builtin (`BaseException`), not shadowed
        return path if path in sem.CANCELLATION_CATCHERS else None

    def _consequence(self) -> str:
        if self.context.target_version >= sem.ASYNCIO_TIMEOUT_SINCE:
            return "`asyncio.timeout()` and `TaskGroup` then miss their deadline silently"
        return "`asyncio.wait_for` then returns instead of raising `asyncio.TimeoutError`"

    def _awaits_own_cancelled_task(self, function: Scope, body: cst.CSTNode) -> bool:
        """`t.cancel()` in this function (or `self.t`/a global anywhere), then `await t` in `body`."""
        local = function.memo.get("ctx402_cancelled")
        if local is None:
            local = function.memo["ctx402_cancelled"] = _cancelled_receivers(function.node)
        shared = self.context.memo.get("ctx402_cancelled")
        if shared is None:
            module = self.model.module_scope.node
            scopes = [module, *(n for n in iter_descendants(module) if isinstance(n, cst.FunctionDef))]
            shared = self.context.memo["ctx402_cancelled"] = {
                text
                for scope in scopes
                for text in _cancelled_receivers(scope, nested=False)
                if text.startswith("self.") or text in self.model.module_scope.bindings
            }
        if not local and not shared:
            return False
        for current in own_descendants(body):
            if isinstance(current, cst.Await):
                mentioned = {source(current.expression)}
                mentioned.update(
                    source(n) for n in iter_descendants(current.expression) if isinstance(n, (cst.Name, cst.Attribute))
                )
                if mentioned & local or mentioned & shared:
                    return True
        return False


def _own_loop_nodes_of(handler: Optional[_Handler]) -> Iterator[cst.CSTNode]:
    """Nodes of a handler body outside nested loops and scopes (where `continue` means its loop)."""
    if handler is None:
        return iter(())
    return _own_loop_nodes(handler)


def _is_generator(function: cst.CSTNode) -> bool:
    body = function.body if isinstance(function, cst.FunctionDef) else function
    return any(isinstance(node, cst.Yield) for node in own_descendants(body))


def _only_spawned(function: Scope, module: cst.Module, parents: dict[int, cst.CSTNode]) -> bool:
    """Whether this module runs `function` only as a task of its own: every reference hands
    the coroutine to a call (`create_task(f())`, `ensure_future(self.f())`) or the function
    to a task spawner (`tg.start_soon(f)`), none awaits it directly or under a deadline."""
    node = function.node
    if not isinstance(node, cst.FunctionDef) or node.asynchronous is None or _is_generator(node):
        return False
    name = function.name
    owner = function.parent.node if function.parent is not None and function.parent.kind == "class" else None
    references = 0
    for current in iter_descendants(module):
        if owner is not None:
            if not (isinstance(current, cst.Attribute) and current.attr.value == name):
                continue
            receiver = current.value
            if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
                if _enclosing_class(current, parents) is not owner:
                    continue  # another class's own attribute of the same name
        elif not (isinstance(current, cst.Name) and current.value == name and _is_load(current, parents)):
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
    `raise` outside any handler, or `raise <parameter>`): called from a handler, they raise."""
    no_return: set[str] = set()
    reraising: set[str] = set()
    for node in iter_descendants(module):
        if not isinstance(node, cst.FunctionDef):
            continue
        if node.returns is not None:
            annotation = node.returns.annotation
            if isinstance(annotation, cst.SimpleString):
                text = annotation.evaluated_value if isinstance(annotation.evaluated_value, str) else ""
            else:
                text = model.resolve(annotation) or source(annotation)
            if text in sem.NO_RETURN_ANNOTATIONS:
                no_return.add(node.name.value)
                continue
        params = node.params
        parameters = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
        handlers = [n for n in own_descendants(node.body) if isinstance(n, (cst.ExceptHandler, cst.ExceptStarHandler))]
        inside_handlers = {id(n) for h in handlers for n in own_descendants(h)}
        for raised in own_descendants(node.body):
            if not isinstance(raised, cst.Raise):
                continue
            if raised.exc is None and id(raised) not in inside_handlers:
                reraising.add(node.name.value)
            elif isinstance(raised.exc, cst.Name) and raised.exc.value in parameters:
                reraising.add(node.name.value)
    return {"no_return": no_return, "reraising": reraising}


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


def _reraises(statements, terminates) -> bool:
    """Whether every path through `statements` ends in a raise (or never ends)."""
    for statement in statements:
        if _may_escape(statement):
            return False
        if _statement_reraises(statement, terminates):
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
        if isinstance(node, _LOOPS):
            # a loop's `else:` is outside it for break/continue
            stack.extend((child, child is not node.orelse or in_loop) for child in children(node))
            continue
        stack.extend((child, in_loop) for child in children(node))
    return False


def _statement_reraises(statement: cst.CSTNode, terminates) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Raise):
                return True
            value = small.value if isinstance(small, cst.Expr) else None
            if isinstance(value, cst.Await):
                value = value.expression
            if isinstance(value, cst.Call) and terminates(value):
                return True
        return False
    if isinstance(statement, cst.If):
        if not _reraises(statement.body.body, terminates) or statement.orelse is None:
            return False
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            return _statement_reraises(orelse, terminates)
        return _reraises(orelse.body.body, terminates)
    if isinstance(statement, (cst.Try, cst.TryStar)):
        if statement.finalbody is not None and _reraises(statement.finalbody.body.body, terminates):
            return True
        return _reraises(statement.body.body, terminates) and all(
            _reraises(h.body.body, terminates) for h in statement.handlers
        )
    if isinstance(statement, cst.With):
        return _reraises(statement.body.body, terminates)
    if isinstance(statement, _LOOPS):
        has_break = any(isinstance(n, cst.Break) for n in _own_loop_nodes(statement))
        if isinstance(statement, cst.While) and _is_infinite(statement) and not has_break:
            return True  # never finishes
        if isinstance(statement, cst.For) and _iterates_at_least_once(statement):
            if _reraises(statement.body.body, terminates):
                return True
        return statement.orelse is not None and not has_break and _reraises(statement.orelse.body.body, terminates)
    if isinstance(statement, cst.Match):
        last = statement.cases[-1] if statement.cases else None
        irrefutable = (
            last is not None
            and last.guard is None
            and isinstance(last.pattern, cst.MatchAs)
            and last.pattern.pattern is None
        )
        return irrefutable and all(_reraises(case.body.body, terminates) for case in statement.cases)
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
        if isinstance(node, (*_LOOPS, *NESTED_SCOPES)):
            continue
        stack.extend(children(node))


class CallWithoutTimeout(Rule):
    """## What it does
    Reports blocking network calls that can wait forever: `requests` calls (module
    functions and methods of a bound `requests.Session`) without `timeout=` or with
    `timeout=None`; `urllib.request.urlopen`, `http.client.HTTP(S)Connection`,
    `socket.create_connection`, `smtplib.SMTP(_SSL)` and `ftplib.FTP` without a timeout;
    `httpx` calls and clients with `timeout=None`; `aiohttp.ClientTimeout()` with no limit.

    ## Why is this bad?
    A peer that accepts the connection and never answers holds the caller forever: a
    request handler that never returns, a worker thread that never comes back, a shutdown
    that hangs. requests has no default timeout, the standard library uses the socket
    default (None), and a bare `aiohttp.ClientTimeout()` means `total=None`, no limit at
    all. httpx's 5 s default is fine; `timeout=None` switches it off.
    """

    code = "CTX403"
    name = "call-without-timeout"
    modules = ("aiohttp", "httpx", "requests", *sorted(sem.STDLIB_CONNECTIONS))
    example = """
    import requests

    def fetch_profile(user_id):
        session = requests.Session()
        with session:
            return session.get(f"https://profiles.internal/{user_id}").json()
    """
    use_instead = """
    import requests

    def fetch_profile(user_id):
        session = requests.Session()
        with session:
            return session.get(f"https://profiles.internal/{user_id}", timeout=(3.05, 10)).json()
    """
    known_limits = """
    A timeout passed through `**kwargs` counts as given. Session methods are recognised on
    names bound to `requests.Session()`/`requests.session()` (locals, `with ... as`,
    `self.` attributes, annotations), not on instances of your own Session subclasses; a
    module that mounts an adapter built with `timeout=`, or assigns `session.request`/
    `session.send`, is trusted to have a default. Standard-library calls without
    `timeout=` are not reported in a module that calls `socket.setdefaulttimeout(...)`
    (a default set in another module is not seen), nor is `ftplib.FTP()` without a host
    (it connects in `connect(host, port, timeout)`). httpx calls without `timeout=` are
    fine (5 s default). aiohttp per-request `timeout=None` and urllib3 are not checked.
    """

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func) or ""
        if path in sem.REQUESTS_FUNCTIONS:
            self._check_required(node, f"`{path}`", None, "requests has no default timeout")
        elif self._is_session_method(node, path):
            method = attribute_name(node.func) or ""
            position = sem.SESSION_REQUEST_TIMEOUT_POSITION if method == "request" else None
            label = f"`{source(node.func)}` (a `requests.Session` method)"
            self._check_required(node, label, position, "requests has no default timeout")
        elif path in sem.STDLIB_CONNECTIONS:
            why = "it uses the socket default timeout, None unless `socket.setdefaulttimeout` is called"
            # a module that sets the socket default gives every call here a timeout
            missing_is_fine = self._module_facts()["socket_default"]
            if path in sem.CONNECTS_ONLY_WITH_HOST and argument(node, "host", 0) is None:
                missing_is_fine = True  # `connect(host, port, timeout)` comes later
            if path in sem.CONNECTS_TO_AN_ADDRESS and self._is_own_listener(argument(node, "address", 0)):
                return  # the peer is this process's own listening socket
            self._check_required(node, f"`{path}`", sem.STDLIB_CONNECTIONS[path], why, missing_is_fine)
        elif path in sem.HTTPX_CALLS or self._is_httpx_client_method(node, path):
            timeout = keyword(node, "timeout")
            if timeout is not None and is_none(timeout.value):
                self.report(
                    node,
                    f"`{source(node.func)}(timeout=None)` switches off httpx's 5 s default and can wait "
                    f"forever; pass a finite `timeout=` or leave the default",
                )
        elif path == sem.HTTPX_TIMEOUT:
            self._check_limits(node, ("timeout", *sem.HTTPX_TIMEOUT_LIMITS), 1, "pass a number of seconds")
        elif path == sem.AIOHTTP_CLIENT_TIMEOUT:
            limits = sem.AIOHTTP_TIMEOUT_LIMITS
            self._check_limits(node, limits, len(limits), "set `total=` or another limit")

    def _check_required(
        self, node: cst.Call, label: str, position: Optional[int], why: str, missing_is_fine: bool = False
    ) -> None:
        if has_star_kwargs(node):
            return  # SPEC: a timeout passed through `**kwargs` counts as given
        if position is not None and has_star_args(node):
            return
        timeout = argument(node, "timeout", position)
        if timeout is None:
            if not missing_is_fine:
                self.report(node, f"{label} has no timeout and can hang forever ({why}); pass `timeout=`")
        elif is_none(timeout.value):
            self.report(node, f"{label} is called with `timeout=None` and can hang forever; pass a number of seconds")

    def _is_own_listener(self, address: Optional[cst.Arg]) -> bool:
        """The address is read from a socket of this process (`server.getsockname()`, directly
        or through a local name bound to it)."""
        if address is None:
            return False
        value: Optional[cst.CSTNode] = address.value
        if isinstance(value, cst.Name):
            binding = self.model.lookup(value.value)
            value = binding.node if binding is not None else None
        if value is None:
            return False
        return any(
            isinstance(n, cst.Call) and attribute_name(n.func) == sem.OWN_ADDRESS_METHOD
            for n in (value, *iter_descendants(value))
        )

    def _check_limits(self, node: cst.Call, limits: tuple[str, ...], positions: int, remedy: str) -> None:
        """Report a timeout object whose every limit is absent or None."""
        if has_star_args(node) or has_star_kwargs(node):
            return
        for index, limit in enumerate(limits):
            arg = argument(node, limit, index if index < positions else None)
            if arg is not None and not is_none(arg.value):
                return
        self.report(node, f"`{source(node)}` sets no limit at all and can wait forever; {remedy}")

    def _is_session_method(self, node: cst.Call, path: str) -> bool:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in sem.REQUESTS_SESSION_METHODS):
            return False
        if path[: -len(func.attr.value) - 1] not in sem.REQUESTS_SESSIONS:
            return False
        return not self._module_facts()["session_default"]

    def _is_httpx_client_method(self, node: cst.Call, path: str) -> bool:
        func = node.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value in sem.HTTPX_CLIENT_METHODS
            and path[: -len(func.attr.value) - 1] in sem.HTTPX_CLIENTS
        )

    def _module_facts(self) -> dict[str, bool]:
        """Module-wide default timeouts (computed once per file, on first need)."""
        facts = self.context.memo.get("ctx403")
        if facts is None:
            facts = {"socket_default": False, "session_default": False}
            for node in iter_descendants(self.model.module_scope.node):
                if isinstance(node, cst.Call):
                    name = attribute_name(node.func)
                    if name == "setdefaulttimeout":
                        first = positional(node, 0)
                        facts["socket_default"] |= first is not None and not is_none(first.value)
                    elif name == "mount" and any(
                        isinstance(n, cst.Arg) and n.keyword is not None and n.keyword.value == "timeout"
                        for n in iter_descendants(node)
                    ):
                        facts["session_default"] = True
                elif isinstance(node, cst.AssignTarget) and attribute_name(node.target) in ("request", "send"):
                    facts["session_default"] |= isinstance(node.target, cst.Attribute)
            self.context.memo["ctx403"] = facts
        return facts


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
    requires = ((gate.INFINITE_LOOP,),)
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
        if function is None or function.is_async or not _is_infinite(node) or _exits(node, self.model):
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


class UncancellableLoop(Rule):
    """## What it does
    Reports an infinite loop (`while True:`) in an `async def` that has no `await`,
    `async for` or `async with` in its body and no way out (`break`, `return`, `raise`).

    ## Why is this bad?
    A coroutine only gives control back to the event loop at an `await`. A loop without one
    never does: every other task, timer and I/O callback on the loop stops, and because
    cancellation is delivered at an `await`, the task cannot even be cancelled.
    """

    code = "CTX405"
    name = "uncancellable-loop"
    triggers = (gate.INFINITE_LOOP,)
    requires = ((gate.ASYNC_DEF,),)
    example = """
    import time

    async def heartbeat(state):
        while True:
            state.beat()
            time.sleep(5)
    """
    use_instead = """
    import asyncio

    async def heartbeat(state):
        while True:
            state.beat()
            await asyncio.sleep(5)
    """
    known_limits = """
    Only `while True:`/`while 1:` loops are checked. A `yield` in an async generator counts
    as a checkpoint (control goes back to the consumer). An `await` anywhere in the loop
    body counts, even on a branch that is rarely taken. A loop inside a `try` with `except`
    clauses, or inside `with pytest.raises(...)`/`assertRaises`/`suppress(...)`, is
    expected to end with an exception and is not reported.
    """

    def visit_While(self, node: cst.While) -> None:
        function = self.model.def_function
        if function is None or not function.is_async or self.model.function is not function:
            return
        if not _is_infinite(node) or _exits(node, self.model) or _has_checkpoint(node):
            return
        if self._ended_by_an_exception(function):
            return
        self.report(
            node,
            f"The infinite loop in `async def {function.name}` never awaits and never exits: it blocks "
            f"the event loop and its task cannot be cancelled; await something in each iteration "
            f"(`await asyncio.sleep(...)`) or give it an exit",
        )


    def _ended_by_an_exception(self, function: Scope) -> bool:
        """The loop sits in a `try` with handlers or a `with pytest.raises(...)`/`assertRaises`/
        `suppress` block: its author expects a call in it to raise (`BlockingIOError`, ...)."""
        for ancestor in reversed(self.model.ancestors[:-1]):
            if ancestor is function.node:
                return False
            if isinstance(ancestor, (cst.Try, cst.TryStar)) and ancestor.handlers:
                return True
            if isinstance(ancestor, cst.With) and any(
                isinstance(item.item, cst.Call) and attribute_name(item.item.func) in _RAISES_CONTEXTS
                for item in ancestor.items
            ):
                return True
        return False


_RAISES_CONTEXTS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "suppress"})


class UnclosedClient(_OwnedValueRule):
    """## What it does
    Reports an `aiohttp.ClientSession()`, `httpx.Client()`/`AsyncClient()` or
    `requests.Session()` created in a function body that is neither used with
    `with`/`async with`, closed, nor handed off (returned, stored, passed on).

    ## Why is this bad?
    A client owns a connection pool. Never closed, its sockets stay open until garbage
    collection (aiohttp logs "Unclosed client session"), a client built per request
    exhausts file descriptors under load, and in-flight connections cannot be shut down
    cleanly.
    """

    code = "CTX406"
    name = "unclosed-client"
    triggers = ("Session", "session", "Client")
    modules = ("aiohttp", "httpx", "requests")
    example = """
    import aiohttp

    async def fetch_status(url):
        session = aiohttp.ClientSession()
        response = await session.get(url)
        return response.status
    """
    use_instead = """
    import aiohttp

    async def fetch_status(url):
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                return response.status
    """
    known_limits = """
    Ownership follows the SPEC's transfer rule: a client that is returned, stored on an
    attribute, put in a container, passed to any call or closed anywhere in the function
    counts as handled, even if the close is not in a `finally`. Clients created at module
    level live as long as the process and are not reported. A client used only for one
    chained call (`requests.Session().get(url)`) is reported. An httpx client given a
    transport made elsewhere (`transport=shared`) is not reported: the pool is the
    transport's, and closing the client would close the shared transport.
    """

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        if path not in sem.CLIENT_CONSTRUCTORS:
            return
        function = self.model.function
        if function is None or function.kind != "function":
            return
        shared = keyword(node, sem.SHARED_POOL_KEYWORDS.get(path, ""))
        if shared is not None and not isinstance(shared.value, cst.Call):
            return  # the pool belongs to a transport made (and closed) elsewhere
        parent = self.model.parent
        constructor = source(node.func)
        with_ = "async with" if path in sem.ASYNC_CLIENTS else "with"
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value not in sem.CLIENT_RELEASE_METHODS:
                self.report(
                    node,
                    f"`{constructor}()` is used for one call and never closed: its connection pool leaks; "
                    f"use `{with_} {constructor}() as client:` or reuse one client",
                )
            return
        name = self.unowned(node, sem.CLIENT_RELEASE_METHODS, ())
        if name is None:
            return
        subject = f"Client `{name}` (`{constructor}()`)" if name else f"`{constructor}()`"
        self.report(
            node,
            f"{subject} is never closed, used with `{with_}`, or handed off: its connection pool leaks; "
            f"use `{with_}` or close it in a `finally`",
        )


class DiscardedFuture(_OwnedValueRule):
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
    if len(statements) == 1 and isinstance(statements[0], _LOOPS):
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
