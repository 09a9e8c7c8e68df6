"""CTX2xx: context not carried into concurrent work (threads, executors, processes)."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.contextcopy import copied_context_name, is_context_run, runs_in_copied_context
from ctxlint.entrypoints import parent_context_reason
from ctxlint.model import SemanticModel
from ctxlint.ownership import Use, uses
from ctxlint.rules.base import Replacement, Rule
from ctxlint.semantics import concurrency as sem
from ctxlint.syntax import argument, attribute_name, is_none, keyword, positional, source


def _version(version: tuple[int, int]) -> str:
    return f"py{version[0]}{version[1]}"


class _ContextCarryingRule(Rule):
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


class ThreadWithoutContext(_ContextCarryingRule):
    """## What it does
    Reports `threading.Thread(target=f)`, `threading.Timer(t, f)` and
    `_thread.start_new_thread(f, ...)` where `f` does not run in a copied context.

    ## Why is this bad?
    On Python 3.9-3.13, and on 3.14 GIL builds, a new thread starts with an *empty*
    `contextvars` context. The request id in your logging ContextVar, the tenant, and the
    current OpenTelemetry span are all gone inside `f`: its logs lose their request id and
    its spans start a new, disconnected trace.
    """

    code = "CTX201"
    name = "thread-without-context"
    preview = True
    fix = "unsafe"
    triggers = ("Thread", "Timer", "start_new")
    example = """
    import threading

    def handle(request):
        threading.Thread(target=send_audit_log, args=(request.id,)).start()
    """
    use_instead = """
    import contextvars
    import threading

    def handle(request):
        ctx = contextvars.copy_context()
        threading.Thread(target=ctx.run, args=(send_audit_log, request.id)).start()
    """
    fix_doc = """
    Unsafe: rewrites to `target=contextvars.copy_context().run, args=(f, *args)` and adds
    `import contextvars` if needed. The thread then sees the values current at the call,
    which is what you want for request context but changes behaviour if `f` relied on an
    empty context.
    """
    known_limits = """
    Preview: measured on real code (benchmarks/PRECISION.md), almost every thread that
    libraries and services start is a service or helper thread (a flusher, a watcher, a
    lock-expiry timer, a server thread, a test's helper) whose creator's context does not
    belong in it; precision there was far below the 90% a default rule needs. A per-request
    spawn outside a recognised entry point looks exactly like those, so enable the rule
    (`--preview` or `select = ["CTX201"]`) where threads are started on behalf of requests.

    Not reported outside entry points, as service threads: a thread stored on an object
    (`self._thread = Thread(...)`, or `t = Thread(...)` later kept in `self._threads`), and a
    thread whose target, defined in the same file, runs a service loop (`while True:`
    without `break`, `while self._running:`, `while not stop.is_set():`). Inside an entry
    point both are still reported. On Python 3.14+ `Thread(context=...)` is accepted
    (target-version py314). A target `<name>.run` whose receiver is named like a context
    (`ctx`, `self._context`) is trusted, and so is a target whose body runs its work
    through such a context (`try: ctx.run(work) finally: ...`). With
    `ThreadingInstrumentor` and no project ContextVars the finding is dropped, because the
    instrumentor carries the OpenTelemetry context. `_thread.start_new_thread` is never
    covered by the instrumentor.
    """

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        spec = sem.THREAD_STARTERS.get(path or "")
        if spec is None:
            return
        target = argument(node, *spec)
        if target is None or is_none(target.value) or self.covered(target.value):
            return
        if self._service_thread(node, target.value) and (
            parent_context_reason(self.model, self.context.settings, self.context.path) is None
        ):
            return
        note = ""
        context_arg = keyword(node, "context")
        if context_arg is not None and path == sem.THREAD_CLASS:
            if self.context.target_version >= sem.THREAD_CONTEXT_PARAMETER_SINCE:
                return
            note = (
                f" (`Thread(context=...)` needs Python 3.14; target-version is "
                f"{_version(self.context.target_version)})"
            )
        if path != "_thread.start_new_thread" and path != "_thread.start_new":
            skip, instrumented_note = self.instrumentation_verdict()
            if skip:
                return
            note += instrumented_note
        starter = path.rsplit(".", 1)[-1]
        function = callable_label(target.value, self.model)
        rest = ", ..." if _has_arguments(node, path) else ","
        if path == sem.THREAD_CLASS:
            remedy = f"pass `target=contextvars.copy_context().run, args=({function}{rest})`"
        elif path == "threading.Timer":
            remedy = f"pass `contextvars.copy_context().run` as the function and `args=({function}{rest})`"
        else:
            remedy = f"call `{starter}(contextvars.copy_context().run, ({function}{rest}))`"
        message = (
            f"`{starter}` runs `{function}` with an empty context, losing contextvars and the "
            f"current span; {remedy}{note}"
        )
        self.report(node, message, fix=self._fix(node, path, target))

    def _service_thread(self, node: cst.Call, target: cst.BaseExpression) -> bool:
        """A service thread: owned by a long-lived object, or running a service loop.

        Either way it outlives the code that starts it and serves many requests, so the
        context current where it is created (often whichever request first touched the
        object) is not one it should carry. Only trusted outside entry points.
        """
        return self._owned_by_object(node) or _runs_service_loop(target, self.model)

    def _owned_by_object(self, node: cst.Call) -> bool:
        """`self._thread = Thread(...)`, or `t = Thread(...)` later stored on an object
        (`self._thread = t`, `self._threads.add(t)`, `self._threads[name] = t`)."""
        parent = self.model.parent
        if not isinstance(parent, cst.Assign) or parent.value is not node:
            return False
        if any(_on_object(target.target) for target in parent.targets):
            return True
        function = self.model.function
        if function is None:
            return False
        names = [target.target.value for target in parent.targets if isinstance(target.target, cst.Name)]
        return any(_stored_on_object(use) for name in names for use in uses(function.node, name))

    def _fix(self, node: cst.Call, path: str, target: cst.Arg) -> Optional[Replacement]:
        args_keyword, args_position = {
            "threading.Thread": ("args", 3),
            "threading.Timer": ("args", 2),
        }.get(path, ("args", 1))
        if path.startswith("_thread."):
            args_keyword = "__positional_only__"
        args_arg = argument(node, args_keyword, args_position)
        if args_arg is None and path.startswith("_thread."):
            return None
        if target.keyword is None and path == sem.THREAD_CLASS:
            return None  # positional `group, target` calls are rare; leave them to a human
        run, imports = self.copy_context_run()
        packed = _prepend_to_args(target.value, args_arg.value if args_arg else None)
        new_args = []
        for arg in node.args:
            if arg is target:
                new_args.append(arg.with_changes(value=run))
            elif arg is args_arg:
                new_args.append(arg.with_changes(value=packed))
            else:
                new_args.append(arg)
        if args_arg is None:
            new_args.append(cst.Arg(keyword=cst.Name("args"), value=packed, equal=_EQUAL))
        return Replacement(
            node,
            node.with_changes(args=new_args),
            "unsafe",
            "Run the target in `contextvars.copy_context()`",
            imports,
        )


# ---------------------------------------------------------------------- service threads

_CONTAINER_ADDERS = frozenset({"add", "append", "appendleft", "insert", "setdefault"})


def _on_object(target: cst.BaseExpression) -> bool:
    """`self._thread` or `self._threads[key]`: a place on an object."""
    if isinstance(target, cst.Subscript):
        target = target.value
    return isinstance(target, cst.Attribute)


def _stored_on_object(use: Use) -> bool:
    """This use of the thread's name stores it on an object: `self._thread = t`,
    `self._threads[k] = t`, `self._threads.add(t)` / `.append(t)`."""
    parent, grandparent = use.parent, use.grandparent
    if isinstance(parent, cst.Assign) and parent.value is use.node:
        return any(_on_object(target.target) for target in parent.targets)
    if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call):
        func = grandparent.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value in _CONTAINER_ADDERS
            and isinstance(func.value, cst.Attribute)
        )
    return False


def _runs_service_loop(target: cst.BaseExpression, model: SemanticModel) -> bool:
    """The target is a function defined in this file whose body runs a service loop."""
    function = _target_function(target, model)
    return function is not None and any(_is_service_loop(loop, function) for loop in _own_loops(function))


def _target_function(target: cst.BaseExpression, model: SemanticModel, depth: int = 0) -> Optional[cst.FunctionDef]:
    """The `def` a thread target names: `f`, `self.f`, `Class.f`, `partial(f, ...)`."""
    if depth > 2:
        return None
    if isinstance(target, cst.Call) and model.resolve(target.func) == sem.PARTIAL:
        first = positional(target, 0)
        return _target_function(first.value, model, depth + 1) if first is not None else None
    if isinstance(target, cst.Name):
        return _definition(target.value, model, cst.FunctionDef)
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
        owner = target.value.value
        if owner in ("self", "cls"):
            scope = model.def_function
            cls = scope.enclosing_class if scope is not None else None
            node = cls.node if cls is not None else None
        else:
            node = _definition(owner, model, cst.ClassDef)
        if isinstance(node, cst.ClassDef):
            return _member(node.body.body, target.attr.value, cst.FunctionDef)
    return None


def _definition(name: str, model: SemanticModel, kind: type) -> Optional[cst.CSTNode]:
    """A `def`/`class` bound to `name`: in scope now, or later at module level (a
    function may name one defined further down the module)."""
    binding = model.lookup(name)
    if binding is not None:
        return binding.node if isinstance(binding.node, kind) else None
    return _member(model.module_scope.node.body, name, kind)


def _member(body, name: str, kind: type) -> Optional[cst.CSTNode]:
    for statement in body:
        if isinstance(statement, kind) and statement.name.value == name:
            return statement
    return None


def _own_loops(function: cst.FunctionDef) -> list[cst.While]:
    """The `while` loops of the function's own body (nested functions and classes excluded)."""
    from ctxlint.walker import children

    loops, stack = [], list(children(function.body))
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.While):
            loops.append(node)
        stack.extend(children(node))
    return loops


def _is_service_loop(loop: cst.While, function: cst.FunctionDef) -> bool:
    """A loop that runs until the process or its owner says stop, serving whatever comes:
    `while True:` with no `break`, or a stop flag: `while self._running:`,
    `while not stop_event.is_set():`, `while not stop():`, `running = True; while running:`.
    A retry loop (`while True: ... break`) or a bounded one (`while attempts < 3:`) is not.
    """
    test = loop.test
    if _truthy_constant(test):
        return not _breaks(loop)
    return _is_stop_flag(test, function)


def _is_stop_flag(test: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _is_stop_flag(test.left, function) or _is_stop_flag(test.right, function)
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
        return _assigned_bool(test.value, function)
    return False


def _truthy_constant(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Name) and test.value == "True") or (
        isinstance(test, cst.Integer) and test.evaluated_value != 0
    )


def _breaks(loop: cst.While) -> bool:
    """A `break` that leaves this loop (not one of a nested loop)."""
    from ctxlint.walker import children

    stack = list(children(loop.body))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Break):
            return True
        if isinstance(node, (cst.While, cst.For, cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(children(node))
    return False


def _assigned_bool(name: str, function: cst.FunctionDef) -> bool:
    """`name = True` (or False) somewhere in the function: a flag."""
    from ctxlint.walker import iter_descendants

    return any(
        isinstance(node, cst.Assign)
        and isinstance(node.value, cst.Name)
        and node.value.value in ("True", "False")
        and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)
        for node in iter_descendants(function)
    )


def _has_arguments(node: cst.Call, path: str) -> bool:
    """Whether the starter passes arguments on to its callable (`args`, `kwargs`)."""
    if path.startswith("_thread."):
        return positional(node, 1) is not None
    args_position = 3 if path == sem.THREAD_CLASS else 2  # Thread(group, target, name, args)
    return any(arg is not None for arg in (argument(node, "args", args_position), keyword(node, "kwargs")))


def callable_label(node: cst.BaseExpression, model: SemanticModel) -> str:
    """How a message names the callable: `partial(f, ...)` for a partial, else its code."""
    if isinstance(node, cst.Call) and model.resolve(node.func) == sem.PARTIAL:
        first = positional(node, 0)
        if first is not None:
            return f"{source(node.func)}({source(first.value)}, ...)"
    return source(node)


_EQUAL = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def _prepend_to_args(function: cst.BaseExpression, args: Optional[cst.BaseExpression]) -> cst.BaseExpression:
    """`(f, *args)` as a tuple expression (literal elements spliced in)."""
    first = cst.Element(function)
    if args is None:
        return cst.Tuple([first.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace("")))])
    if isinstance(args, (cst.Tuple, cst.List)):
        rest = [e.with_changes(comma=cst.MaybeSentinel.DEFAULT) for e in args.elements]
        if rest:
            return cst.Tuple([first, *rest])
        return _prepend_to_args(function, None)
    return cst.Tuple([first, cst.StarredElement(args)])


class ExecutorWithoutContext(_ContextCarryingRule):
    """## What it does
    Reports `.submit(f, ...)` and `.map(f, ...)` on a `concurrent.futures.ThreadPoolExecutor`
    (bound by constructor, `with ... as`, a `self.` attribute or an annotation) when `f`
    does not run in a copied context.

    ## Why is this bad?
    Pool threads never receive the submitter's context: `f` runs in the worker thread's own
    context, empty at first, and whatever an earlier task left attached there. Request ids,
    tenants and the current span are lost, or worse, leak between requests.
    """

    code = "CTX202"
    name = "executor-without-context"
    preview = True
    fix = "unsafe"
    triggers = ("ThreadPoolExecutor",)
    requires = (("submit", "map"),)
    example = """
    from concurrent.futures import ThreadPoolExecutor

    def handle(request):
        with ThreadPoolExecutor() as pool:
            return pool.submit(render, request).result()
    """
    use_instead = """
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    def handle(request):
        with ThreadPoolExecutor() as pool:
            return pool.submit(contextvars.copy_context().run, render, request).result()
    """
    fix_doc = """
    Unsafe, `submit` only: inserts `contextvars.copy_context().run` as the submitted
    callable. `map` has no fix: each item needs its own copy (a Context cannot be entered by
    two threads at once), so rewrite it as one `submit` per item.
    """
    known_limits = """
    Preview: measured on real code (benchmarks/PRECISION.md), most submissions to thread
    pools in libraries and services are tests, flushes, start-up probes and dispatch loops
    whose context does not matter; precision was far below the 90% a default rule needs.
    Enable it (`--preview` or `select = ["CTX202"]`) where pools run request work.

    Only receivers known to be a `ThreadPoolExecutor` are checked; an executor passed in
    without an annotation is not. `ProcessPoolExecutor` is out of scope (CTX205). With
    `ThreadingInstrumentor` and no project ContextVars the finding is dropped.
    """

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in sem.EXECUTOR_METHODS):
            return
        if self.model.resolve(func.value) != sem.THREAD_POOL + "()":
            return
        submitted = positional(node, 0)
        if submitted is None or self.covered(submitted.value):
            return
        if is_context_run(submitted.value, self.model):
            return
        skip, note = self.instrumentation_verdict()
        if skip:
            return
        method = func.attr.value
        function = callable_label(submitted.value, self.model)
        receiver = source(func.value)
        if method == "submit":
            message = (
                f"`{receiver}.submit` runs `{function}` in a pool thread without the caller's context; "
                f"submit `contextvars.copy_context().run, {function}` instead{note}"
            )
            run, imports = self.copy_context_run()
            fixed = node.with_changes(args=[cst.Arg(run), *node.args])
            fix = Replacement(node, fixed, "unsafe", "Submit through `contextvars.copy_context().run`", imports)
        else:
            message = (
                f"`{receiver}.map` runs `{function}` in pool threads without the caller's context; "
                f"use one `submit(contextvars.copy_context().run, {function}, item)` per item{note}"
            )
            fix = None
        self.report(node, message, fix=fix)


class RunInExecutorWithoutContext(_ContextCarryingRule):
    """## What it does
    Reports `loop.run_in_executor(executor, f, ...)` with the default (`None`) or a thread
    pool executor when `f` does not run in a copied context.

    ## Why is this bad?
    `run_in_executor` is `executor.submit(f)` underneath: the worker thread does not see
    the coroutine's contextvars or current span. `asyncio.to_thread` exists precisely to
    fix this: it copies the context (python/cpython#78195).
    """

    code = "CTX203"
    name = "run-in-executor-without-context"
    preview = True
    fix = "unsafe"
    triggers = ("run_in_executor",)
    example = """
    import asyncio

    async def handle(request):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, render, request)
    """
    use_instead = """
    import asyncio

    async def handle(request):
        return await asyncio.to_thread(render, request)
    """
    fix_doc = """
    Unsafe. When the executor is `None` and the call is awaited directly, the fix is
    `await asyncio.to_thread(f, ...)`; otherwise `contextvars.copy_context().run` is inserted
    before `f`.
    """
    known_limits = """
    Preview: measured on real code (benchmarks/PRECISION.md), most `run_in_executor` calls
    in libraries and services offload file, DNS, authentication or test work whose context
    does not matter; precision was far below the 90% a default rule needs. Enable it
    (`--preview` or `select = ["CTX203"]`) where request work is offloaded.

    Only the default executor (`None`) and executors known to be a `ThreadPoolExecutor`
    are checked: an executor passed in from elsewhere may be a process pool, or a custom
    executor that copies the context itself.
    """

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "run_in_executor"):
            return
        executor, function = positional(node, 0), positional(node, 1)
        if executor is None or function is None:
            return
        # Only the default executor and known thread pools: a custom executor may copy
        # the context itself (as langchain's ContextThreadPoolExecutor does).
        if not is_none(executor.value) and self.model.resolve(executor.value) != sem.THREAD_POOL + "()":
            return
        if self.covered(function.value):
            return
        skip, note = self.instrumentation_verdict()
        if skip:
            return
        name = callable_label(function.value, self.model)
        rest = ", ..." if positional(node, 2) is not None else ""
        remedy = f"pass `contextvars.copy_context().run, {name}{rest}`"
        if is_none(executor.value):
            remedy = f"use `await asyncio.to_thread({name}{rest})` or {remedy}"
        message = (
            f"`{source(func)}` runs `{name}` in a pool thread without the caller's context; {remedy}{note}"
        )
        self.report(node, message, fix=self._fix(node, executor, function))

    def _fix(self, node: cst.Call, executor: cst.Arg, function: cst.Arg) -> Replacement:
        awaited = isinstance(self.model.parent, cst.Await)
        rest = [arg for arg in node.args if arg is not executor]
        if is_none(executor.value) and awaited and all(a.keyword is None for a in rest):
            asyncio_name, imports = self.module_reference("asyncio")
            fixed = cst.Call(cst.parse_expression(f"{asyncio_name}.to_thread"), args=rest)
            return Replacement(node, fixed, "unsafe", "Use `asyncio.to_thread`", imports)
        run, imports = self.copy_context_run()
        new_args = []
        for arg in node.args:
            if arg is function:
                new_args.append(cst.Arg(run))
            new_args.append(arg)
        return Replacement(
            node, node.with_changes(args=new_args), "unsafe", "Run through `contextvars.copy_context().run`", imports
        )


class SharedContextReentry(Rule):
    """## What it does
    Reports one `Context` object handed to more than one concurrent worker: a
    `ctx = copy_context()` made outside a loop whose `ctx.run` is submitted or started inside
    the loop, submitted twice, or passed to `executor.map`.

    ## Why is this bad?
    A `Context` can be entered by one thread at a time. The second concurrent `ctx.run`
    raises `RuntimeError: cannot enter context: ... is already entered`, and when it does
    not (the first finished in time) both workers share and mutate one context.
    """

    code = "CTX204"
    name = "shared-context-reentry"
    triggers = ("copy_context",)
    example = """
    import contextvars

    def fan_out(pool, items):
        ctx = contextvars.copy_context()
        for item in items:
            pool.submit(ctx.run, process, item)
    """
    use_instead = """
    import contextvars

    def fan_out(pool, items):
        for item in items:
            pool.submit(contextvars.copy_context().run, process, item)
    """
    known_limits = """
    Submissions awaited or waited for (`.result()`) on the spot are sequential and not
    reported. Only names bound in the same function are followed.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        # binding node id -> branch signatures of its earlier submissions
        self._submissions: dict[int, list[dict[int, int]]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        submitted = self._submitted_callable(node)
        if submitted is None:
            return
        name = copied_context_name(submitted, self.model)
        if name is None:
            return
        binding = self.model.lookup(name)
        if binding is None or binding.node is None:
            return
        method = attribute_name(node.func)
        message = (
            f"Context `{name}` is entered by several concurrent workers; the second "
            f"`{name}.run` raises RuntimeError: call `contextvars.copy_context()` per submission"
        )
        if method == "map":
            self.report(node, message)
            return
        if self._waited_on_the_spot():
            return
        if self._loop_between(binding.node):
            self.report(node, message)
            return
        branches = self._branches()
        earlier = self._submissions.setdefault(id(binding.node), [])
        if any(not _exclusive(branches, other) for other in earlier):
            self.report(node, message)
        earlier.append(branches)

    def _branches(self) -> dict[int, int]:
        """For each enclosing `if` in this function: 0 inside its body, 1 inside its else."""
        ancestors = self.model.ancestors
        branches: dict[int, int] = {}
        for index in range(len(ancestors) - 2, -1, -1):
            ancestor = ancestors[index]
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
            if isinstance(ancestor, cst.If):
                branches[id(ancestor)] = 0 if ancestors[index + 1] is ancestor.body else 1
        return branches

    def _submitted_callable(self, node: cst.Call) -> Optional[cst.CSTNode]:
        method = attribute_name(node.func)
        if method in ("submit", "map"):
            arg = positional(node, 0)
        elif method == "run_in_executor":
            arg = positional(node, 1)
        elif self.model.resolve(node.func) in sem.THREAD_STARTERS:
            arg = argument(node, *sem.THREAD_STARTERS[self.model.resolve(node.func) or ""])
        else:
            return None
        return arg.value if arg is not None else None

    def _waited_on_the_spot(self) -> bool:
        ancestors = self.model.ancestors
        parent = ancestors[-2] if len(ancestors) >= 2 else None
        if isinstance(parent, cst.Await):
            return True
        grandparent = ancestors[-3] if len(ancestors) >= 3 else None
        return (
            isinstance(parent, cst.Attribute)
            and parent.attr.value in ("result", "join", "exception")
            and isinstance(grandparent, cst.Call)
        )

    def _loop_between(self, binding_node: cst.CSTNode) -> bool:
        """A loop encloses this submission but not the `copy_context()` it uses."""
        from ctxlint.walker import iter_descendants

        for ancestor in reversed(self.model.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                return False
            if isinstance(ancestor, (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
                if not any(n is binding_node for n in iter_descendants(ancestor)):
                    return True
        return False


class ProcessWithoutCarrier(Rule):
    """## What it does
    Reports a process started inside an entry point or an active span
    (`multiprocessing.Process`, `ProcessPoolExecutor.submit/map`, `Pool.apply_async/map`)
    with no argument built by `opentelemetry.propagate.inject`.

    ## Why is this bad?
    Contexts cannot cross a process boundary (`Context` is not even picklable): the child
    starts a new trace, and its spans and logs cannot be tied to the request that caused
    them, unless the trace context travels in a carrier the child `extract`s.
    """

    code = "CTX205"
    name = "process-without-carrier"
    preview = True
    triggers = ("Process", "Pool")
    example = """
    from concurrent.futures import ProcessPoolExecutor
    from flask import Flask

    app = Flask(__name__)
    pool = ProcessPoolExecutor()

    @app.post("/render")
    def render():
        return pool.submit(build_report, 42).result()
    """
    use_instead = """
    from concurrent.futures import ProcessPoolExecutor
    from flask import Flask
    from opentelemetry import propagate

    app = Flask(__name__)
    pool = ProcessPoolExecutor()

    @app.post("/render")
    def render():
        carrier = {}
        propagate.inject(carrier)
        return pool.submit(build_report, 42, carrier).result()
    """
    known_limits = """
    A carrier is recognised by name: a variable filled by `propagate.inject(...)` in the same
    function and passed to the process. Helpers that inject elsewhere are not followed.
    """

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        if path in ("opentelemetry.propagate.inject",):
            carrier = positional(node, 0) or keyword(node, "carrier")
            function = self.model.function
            if carrier is not None and isinstance(carrier.value, cst.Name) and function is not None:
                function.memo.setdefault("carriers", set()).add(carrier.value.value)
            return
        starter = self._starter(node, path)
        if starter is None:
            return
        reason = parent_context_reason(self.model, self.context.settings, self.context.path)
        if reason is None:
            return
        function = self.model.function
        carriers = function.memo.get("carriers", set()) if function is not None else set()
        if carriers and _mentions_any(node, carriers):
            return
        self.report(
            node,
            f"`{starter}` starts a process without the trace context ({reason}); pass a carrier "
            f"filled by `opentelemetry.propagate.inject(carrier)` and `extract` it in the child",
        )

    def _starter(self, node: cst.Call, path: Optional[str]) -> Optional[str]:
        if path in sem.PROCESS_STARTERS or (path or "").endswith(".Process") and "multiprocessing" in (path or ""):
            return "multiprocessing.Process"
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        receiver = self.model.resolve(func.value) or ""
        method = func.attr.value
        if receiver == sem.PROCESS_POOL + "()" and method in sem.PROCESS_POOL_METHODS:
            return f"ProcessPoolExecutor.{method}"
        if receiver.endswith("()") and receiver[:-2] in sem.POOL_CLASSES and method in sem.POOL_METHODS:
            return f"Pool.{method}"
        return None


def _exclusive(first: dict[int, int], second: dict[int, int]) -> bool:
    """Two places in different branches of the same `if` never both run."""
    return any(second.get(if_id, branch) != branch for if_id, branch in first.items())


def _mentions_any(node: cst.CSTNode, names: set[str]) -> bool:
    from ctxlint.walker import iter_descendants

    return any(isinstance(n, cst.Name) and n.value in names for n in iter_descendants(node))


class ThreadSubclassWithoutContext(Rule):
    """## What it does
    Reports a `threading.Thread` subclass that overrides `run()` but never captures a
    context with `contextvars.copy_context()` in `__init__` or `start()`.

    ## Why is this bad?
    `run()` executes in the new thread, which starts with an empty context, so request
    context and the current span are lost. `ThreadingInstrumentor` does not help either:
    it patches `Thread.run`, which the override replaces.
    """

    code = "CTX206"
    name = "thread-subclass-without-context"
    preview = True
    triggers = ("Thread",)
    requires = (("run",),)
    example = """
    import threading

    class Uploader(threading.Thread):
        def run(self):
            upload_pending()
    """
    use_instead = """
    import contextvars
    import threading

    class Uploader(threading.Thread):
        def start(self):
            self._context = contextvars.copy_context()
            super().start()

        def run(self):
            self._context.run(upload_pending)
    """
    known_limits = """
    A `copy_context()` inside `run()` does not count: it runs in the new thread and copies
    that thread's empty context.
    """

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not any(self.model.resolve(base.value) == sem.THREAD_CLASS for base in node.bases):
            return
        methods = {
            statement.name.value: statement
            for statement in node.body.body
            if isinstance(statement, cst.FunctionDef)
        }
        if "run" not in methods:
            return
        if any(_is_service_loop(loop, methods["run"]) for loop in _own_loops(methods["run"])):
            return  # a service thread: it serves whatever comes, not the code that starts it
        for name in ("__init__", "start"):
            method = methods.get(name)
            if method is not None and _calls_copy_context(method):
                return
        self.report(
            node.name,  # reported on the `class` line, not on a decorator
            f"Thread subclass `{node.name.value}` overrides `run()` without capturing a context; call "
            f"`contextvars.copy_context()` in `__init__` or `start()` and run the body in it",
        )


def _calls_copy_context(function: cst.FunctionDef) -> bool:
    from ctxlint.walker import iter_descendants

    return any(
        isinstance(n, cst.Call) and attribute_name(n.func) == "copy_context" for n in iter_descendants(function)
    )
