"""CTX201 thread-without-context."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.model import SemanticModel
from ctxlint.analysis.ownership import Use, uses
from ctxlint.analysis.syntax import (
    argument,
    is_none,
    keyword,
    positional,
)
from ctxlint.rules.base import Replacement
from ctxlint.rules.ctx2.shared import (
    HOW_THE_WORK_IS_JUDGED,
    ContextCarryingRule,
    Verdict,
    callable_label,
    is_service_loop,
    own_loops,
)
from ctxlint.semantics import concurrency as sem


def _version(version: tuple[int, int]) -> str:
    return f"py{version[0]}{version[1]}"

class ThreadWithoutContext(ContextCarryingRule):
    """## What it does
    Reports `threading.Thread(target=f)`, `threading.Timer(t, f)` and
    `_thread.start_new_thread(f, ...)` where `f` does not run in a copied context and needs
    the caller's context: it reads a ContextVar, the current span or Sentry's scope, logs
    through context-aware logging, or is the caller's own callable. The message names what
    it reads and the call path to it.

    ## Why is this bad?
    On Python 3.9-3.13, and on 3.14 GIL builds, a new thread starts with an *empty*
    `contextvars` context. The request id in your logging ContextVar, the tenant, and the
    current OpenTelemetry span are all gone inside `f`: its logs lose their request id and
    its spans start a new, disconnected trace.
    """

    code = "CTX201"
    name = "thread-without-context"
    fix = "unsafe"
    triggers = ("Thread", "Timer", "start_new")
    modules = tuple(sorted(sem.THREAD_STARTERS))  # the only calls it judges
    example = """
    import contextvars
    import threading

    request_id = contextvars.ContextVar("request_id", default="-")

    def send_audit_log(entry):
        print(request_id.get(), entry)

    def handle(request):
        threading.Thread(target=send_audit_log, args=(request.id,)).start()
    """
    use_instead = """
    import contextvars
    import threading

    request_id = contextvars.ContextVar("request_id", default="-")

    def send_audit_log(entry):
        print(request_id.get(), entry)

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
    known_limits = HOW_THE_WORK_IS_JUDGED + """
    A thread stored on an object (`self._thread = Thread(...)`, or kept in
    `self._threads`) and a thread whose target runs a service loop (`while True:` without
    `break`, `while self._running:`, `while not stop.is_set():` on the object's own flag)
    are service threads: start-up scope outside entry points. On Python 3.14+
    `Thread(context=...)` is accepted (target-version py314); before, it is reported as
    the TypeError it is. `_thread.start_new_thread` is never covered by an integration.
    """

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        spec = sem.THREAD_STARTERS.get(path or "")
        if spec is None:
            return
        target = argument(node, *spec)
        if target is None or is_none(target.value) or self.covered(target.value):
            return
        note = ""
        starter = path.rsplit(".", 1)[-1]
        context_arg = keyword(node, "context")
        if context_arg is not None and path == sem.THREAD_CLASS:
            if self.context.target_version >= sem.THREAD_CONTEXT_PARAMETER_SINCE:
                return
            # the parameter does not exist yet: the thread is never even started
            verdict = Verdict(
                f"`Thread(context=...)` needs Python 3.14 (target-version is "
                f"{_version(self.context.target_version)}: a TypeError)"
            )
        else:
            kind = "start_new_thread" if path.startswith("_thread.") else starter
            verdict = self.judge(node, target.value, kind, service=self._service_thread(node, target.value))
        if verdict is None:
            return
        reason = verdict.reason
        function = callable_label(target.value, self.model)
        rest = ", ..." if _has_arguments(node, path) else ","
        if path == sem.THREAD_CLASS:
            remedy = f"pass `target=contextvars.copy_context().run, args=({function}{rest})`"
        elif path == "threading.Timer":
            remedy = f"pass `contextvars.copy_context().run` as the function and `args=({function}{rest})`"
        else:
            remedy = f"call `{starter}(contextvars.copy_context().run, ({function}{rest}))`"
        message = f"`{starter}` runs `{function}` with an empty context, but {reason}; {remedy}{note}{self.remedy_note()}"
        self.report(node, message, fix=self._fix(node, path, target), related=verdict.related)

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
        runner = self.context_runner()
        run, *helpers = runner.callables
        packed = _prepend_to_args((*helpers, target.value), args_arg.value if args_arg else None)
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
            runner.imports,
            runner.helpers,
        )

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
    return function is not None and any(is_service_loop(loop, function) for loop in own_loops(function))

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

def _has_arguments(node: cst.Call, path: str) -> bool:
    """Whether the starter passes arguments on to its callable (`args`, `kwargs`)."""
    if path.startswith("_thread."):
        return positional(node, 1) is not None
    args_position = 3 if path == sem.THREAD_CLASS else 2  # Thread(group, target, name, args)
    return any(arg is not None for arg in (argument(node, "args", args_position), keyword(node, "kwargs")))

_EQUAL = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))

def _prepend_to_args(callables: tuple[cst.BaseExpression, ...], args: Optional[cst.BaseExpression]) -> cst.BaseExpression:
    """`(helper, f, *args)` as a tuple expression (literal elements spliced in)."""
    first = [cst.Element(callable_) for callable_ in callables]
    if args is None or (isinstance(args, (cst.Tuple, cst.List)) and not args.elements):
        if len(first) == 1:
            return cst.Tuple([first[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace("")))])
        return cst.Tuple(first)
    if isinstance(args, (cst.Tuple, cst.List)):
        rest = [e.with_changes(comma=cst.MaybeSentinel.DEFAULT) for e in args.elements]
        return cst.Tuple([*first, *rest])
    return cst.Tuple([*first, cst.StarredElement(args)])
