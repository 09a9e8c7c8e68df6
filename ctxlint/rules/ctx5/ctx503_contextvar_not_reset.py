"""CTX503 contextvar-not-reset."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from ctxlint.analysis import ownership
from ctxlint.analysis.entrypoints import entry_point_reason
from ctxlint.analysis.model import Scope
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    own_descendants,
    positional,
    source,
)
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import FileContext, Rule
from ctxlint.rules.ctx5.shared import (
    bound_names,
    contains_call,
    enclosing_class,
    escapes,
    function_node,
    is_shared_middleware,
    methods_of,
    own_nodes_with_ancestors,
    protected,
    release_calls,
    released_elsewhere,
    stored_on,
)
from ctxlint.semantics import concurrency
from ctxlint.semantics import lifecycle as sem


class ContextVarNotReset(Rule):
    """## What it does
    Reports `var.set(...)` on a `contextvars.ContextVar` inside a synchronous entry point
    (a request handler, a task) or a function run by a thread pool (or in the loop of a
    thread target) without `var.reset(token)` in a `finally`. In any function, also a `set`
    whose reset cannot work: made in a Django middleware `process_request`/`process_view`
    and reset in `process_response`/`process_exception`; kept on `self` of a middleware that
    every request shares and reset by another method; thrown away in `__enter__` (or before
    the `yield` of a `@contextmanager`) when nothing restores the value on exit; or made in
    a loop whose last token alone is reset after it.

    ## Why is this bad?
    Synchronous handlers run on reused threads (WSGI worker pools, Celery workers,
    `ThreadPoolExecutor`). Each thread keeps one context for its whole life, so a value set
    for one request is still there for the next request or job on that thread: request ids,
    tenants and users leak across requests. A token can only be reset in the Context that
    made it: under ASGI, Django runs each sync middleware hook in its own copy of the
    context, so the reset in the response hook raises "created in a different Context"; a
    shared middleware's `self._token` is overwritten by concurrent requests; a context
    manager that drops its tokens cannot undo its `set` on exit.
    """

    code = "CTX503"
    name = "contextvar-not-reset"
    # `copy_context`/`Context`: a loop over their items yields ContextVars by other names
    # a ContextVar, or a `contextvars.Context` whose variables are set (`contextvars` is
    # named wherever `Context` comes from it)
    triggers = ("ContextVar", "copy_context", "contextvars")
    requires = (("set",),)
    example = """
    import contextvars

    from celery import shared_task

    tenant = contextvars.ContextVar("tenant")

    @shared_task
    def rebuild_index(tenant_id):
        tenant.set(tenant_id)
        rebuild()
    """
    use_instead = """
    import contextvars

    from celery import shared_task

    tenant = contextvars.ContextVar("tenant")

    @shared_task
    def rebuild_index(tenant_id):
        token = tenant.set(tenant_id)
        try:
            rebuild()
        finally:
            tenant.reset(token)
    """
    known_limits = """
    Only ContextVars this file defines (or annotates) are followed. Entry points are those
    of ctxlint's entry-point detection; async handlers are skipped (each request runs in its
    own task with a copied context), and so are FastAPI/Starlette `def` endpoints (run in a
    copied context by `run_in_threadpool`). Django views are reported whatever the server
    (under ASGI they run in a copied context too). Thread targets
    (`Thread(target=f)`) count only when the `set` is inside a loop of `f`: a one-shot
    thread's context dies with it. A token handed off (stored, returned, passed on) counts
    as reset by its new owner; a `reset` in an `except` handler counts as protected.
    `with var.set(value):` (Python 3.14) resets on exit. The cross-function checks follow
    the token through attributes and items by their text (`request._token`,
    `request.META[KEY]`, `getattr(request, "_token")`, `self._token`) within one class. A
    token on `self` reset by another method is reported only for a middleware shared by
    every request (ASGI `__call__(scope, receive, send)`, WSGI `__call__(environ,
    start_response)`, Django `__init__(get_response)`, Starlette `dispatch`), never for an
    `__enter__`/`__exit__` pair (one `with` runs both in one context). `__enter__` and
    `@contextmanager` (not pytest fixtures) count as restoring when their exit code calls
    any `.set(`/`.reset(`. A ContextVar is recognised through its declaration in this file,
    or as the loop variable over `copy_context().items()` or over a mapping or list
    annotated with `ContextVar` keys.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._thread_targets: set[tuple[bool, str]] = set()
        self._executor_targets: set[tuple[bool, str]] = set()
        # (function scope, set call, message tail, related, inside a loop)
        self._pending: list[tuple[Scope, cst.Call, str, list, bool]] = []

    def visit_Call(self, node: cst.Call) -> None:
        self._record_target(node)
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == sem.CONTEXT_VAR_SET):
            return
        if self.model.resolve(func.value) != sem.CONTEXT_VAR + "()" and not self._iterated_context_var(func.value):
            return
        scope = self.model.function
        function = function_node(self.model)
        if scope is None or function is None:
            return
        if self._scope_problem(node, function):
            return
        if scope.is_async:
            return
        problem = self._problem(node, function)
        if problem is None:
            return
        tail, related = problem
        reason = entry_point_reason(scope, self.model, self.context.settings, self.context.path)
        # A span decorator gives a parent span, not a reused request thread.
        if reason is not None and not reason.startswith("span-decorated"):
            if not any(path.split(".")[0] in sem.CONTEXT_COPYING_FRAMEWORKS for path in scope.decorators):
                self._report(node, reason, tail, related)
            return
        in_loop = False
        for ancestor in reversed(self.model.ancestors):
            if ancestor is function:
                break
            in_loop = in_loop or isinstance(ancestor, (cst.For, cst.While))
        self._pending.append((scope, node, tail, related, in_loop))

    # -- set and reset in different places (any function, sync or async)

    def _scope_problem(self, node: cst.Call, function: cst.FunctionDef) -> bool:
        """Report (and return True) a `set` whose reset cannot happen where it should: in a
        Django request hook reset in a response hook, on a shared middleware's `self` reset
        by another method, discarded in `__enter__` or a context manager's setup, or kept
        only for the last round of a loop."""
        receiver = source(node.func.value)  # type: ignore[attr-defined]
        parent = self.model.parent
        cls = enclosing_class(self.model)
        name = function.name.value

        def is_reset(call: cst.Call) -> bool:
            return attribute_name(call.func) == sem.CONTEXT_VAR_RESET

        if cls is not None and name in sem.DJANGO_REQUEST_HOOKS:
            partner = self._django_partner(cls, function, node, parent, is_reset)
            if partner is not None:
                self.report(
                    node,
                    f"`{receiver}.set(...)` in Django middleware hook `{name}` is reset in `{partner.name.value}`: "
                    f"under ASGI each hook runs in its own context copy, so the reset raises \"created in a "
                    f"different Context\", and a request whose `{partner.name.value}` never runs (a cancelled "
                    f"request) keeps the value; set and reset in one `__call__` with try/finally",
                    related=[(partner.name, "reset here, in another hook")],
                )
                return True
        target = stored_on(function, node, parent)
        if cls is not None and target is not None and target.startswith("self.") and name not in sem.PAIRED_METHODS:
            elsewhere = released_elsewhere(cls, function, target, is_reset)
            if elsewhere is not None and is_shared_middleware(cls):
                method, _call = elsewhere
                self.report(
                    node,
                    f"the token of `{receiver}.set(...)` is kept on `{target}` of a middleware that every request "
                    f"shares, and reset in `{method.name.value}`: concurrent requests overwrite it, so the reset "
                    f"fails (\"created in a different Context\" or \"has already been used\") or restores another "
                    f"request's value; keep the token in a local and reset it in the same call",
                    related=[(method.name, "reset here, from the shared attribute")],
                )
                return True
        if isinstance(parent, cst.Expr) and self._sets_up_a_scope(function, cls):
            where = f"`{name}`" if name in sem.ENTER_METHODS else f"context manager `{name}`"
            self.report(
                node,
                f"`{receiver}.set(...)` in {where} throws its token away and nothing restores the previous value "
                f"on exit: after the `with` block the value stays set and leaks into whatever runs next in this "
                f"thread or task; keep the tokens and reset them on exit",
            )
            return True
        loop = self._loop_of(function)
        if loop is not None:
            names = bound_names(parent, node) or []
            for token in names:
                inside = [u for u in ownership.uses(function, token) if any(n is u.node for n in iter_descendants(loop))]
                if any(ownership.is_handling(u) for u in inside):
                    continue  # kept each round (`tokens[key] = token`) or reset in the round
                after = [
                    use
                    for use in ownership.uses(function, token)
                    if isinstance(use.grandparent, cst.Call)
                    and is_reset(use.grandparent)
                    and not any(n is use.node for n in iter_descendants(loop))
                ]
                if after:
                    self.report(
                        node,
                        f"`{receiver}.set(...)` runs in a loop but only the token of its last round is reset after "
                        f"the loop: the values set by the earlier rounds are never undone and the variable does not "
                        f"return to its previous value; reset each token in the round that set it",
                        related=[(after[0].grandparent, "only the last token is reset here")],
                    )
                    return True
        return False

    def _django_partner(self, cls, function, node, parent, is_reset) -> Optional[cst.FunctionDef]:
        methods = methods_of(cls)
        target = stored_on(function, node, parent)
        for hook in sorted(sem.DJANGO_RESPONSE_HOOKS):
            method = methods.get(hook)
            if method is None:
                continue
            if target is not None:
                found = released_elsewhere(cls, function, target, is_reset)
                if found is not None and found[0].name.value in sem.DJANGO_RESPONSE_HOOKS:
                    return found[0]
            elif contains_call(method.body, is_reset) is not None:
                return method
        return None

    def _sets_up_a_scope(self, function: cst.FunctionDef, cls: Optional[cst.ClassDef]) -> bool:
        """`__enter__` whose `__exit__` restores nothing, or a context-manager generator whose
        code after `yield` restores nothing (no `.set(`/`.reset(` there)."""
        restores = lambda call: attribute_name(call.func) in (sem.CONTEXT_VAR_SET, sem.CONTEXT_VAR_RESET)  # noqa: E731
        name = function.name.value
        if name in sem.ENTER_METHODS and cls is not None:
            exits = [m for n, m in methods_of(cls).items() if n in sem.EXIT_METHODS]
            return bool(exits) and not any(contains_call(m.body, restores) for m in exits)
        scope = self.model.function
        if scope is None or not any(
            path.removesuffix("()") in sem.CONTEXT_MANAGER_DECORATORS and not path.startswith("pytest")
            for path in scope.decorators
        ):
            return False
        yields = [n for n in own_descendants(function.body) if isinstance(n, cst.Yield)]
        if not yields:
            return False
        started = False
        for current, ancestors in own_nodes_with_ancestors(function.body):
            if current is self.model.ancestors[-1]:
                started = True
            if isinstance(current, cst.Yield):
                if not started:
                    return False  # the set runs after the yield: it is the restore
                # anything after the first yield (or in a finally around it) that restores?
                break
        seen_yield = False
        for current, ancestors in own_nodes_with_ancestors(function.body):
            if isinstance(current, cst.Yield):
                seen_yield = True
            elif isinstance(current, cst.Call) and restores(current) and current is not self.model.ancestors[-1]:
                if seen_yield or any(isinstance(a, cst.Finally) for a in ancestors):
                    return False
        return True

    def _loop_of(self, function: cst.FunctionDef) -> Optional[cst.CSTNode]:
        for ancestor in reversed(self.model.ancestors):
            if ancestor is function:
                return None
            if isinstance(ancestor, (cst.For, cst.While)):
                return ancestor
        return None

    def _iterated_context_var(self, receiver: cst.BaseExpression) -> bool:
        """`var` in `for var, value in <mapping of ContextVars>.items():` (a captured context,
        `copy_context()`, a parameter annotated `Dict[ContextVar, ...]`)."""
        if not isinstance(receiver, cst.Name):
            return False
        for ancestor in reversed(self.model.ancestors):
            if not isinstance(ancestor, cst.For):
                continue
            target, iterable = ancestor.target, ancestor.iter
            first = target.elements[0].value if isinstance(target, (cst.Tuple, cst.List)) and target.elements else target
            if not (isinstance(first, cst.Name) and first.value == receiver.value):
                continue
            if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute):
                if iterable.func.attr.value in ("items", "keys"):
                    iterable = iterable.func.value
            if self.model.resolve(iterable) in sem.CONTEXTS:
                return True
            annotation = self._annotation_of(iterable)
            return annotation is not None and _holds_context_vars(annotation)
        return False

    def _annotation_of(self, node: cst.BaseExpression) -> Optional[str]:
        """The annotation text of a parameter, an annotated name or a `self.` attribute set
        from an annotated parameter."""
        if isinstance(node, cst.Name):
            binding = self.model.lookup(node.value)
            value = binding.node if binding is not None else None
            if isinstance(value, cst.Param) and value.annotation is not None:
                return source_full(value.annotation.annotation)
            if isinstance(value, cst.Annotation):
                return source_full(value.annotation)
            return None
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
            cls = enclosing_class(self.model)
            if cls is None:
                return None
            for method in methods_of(cls).values():
                for current in own_descendants(method.body):
                    if isinstance(current, cst.AnnAssign) and source_full(current.target) == source_full(node):
                        return source_full(current.annotation.annotation)
                    if (
                        isinstance(current, cst.Assign)
                        and any(source_full(t.target) == source_full(node) for t in current.targets)
                        and isinstance(current.value, cst.Name)
                    ):
                        for param in method.params.params:
                            if param.name.value == current.value.value and param.annotation is not None:
                                return source_full(param.annotation.annotation)
            for statement in cls.body.body:
                if isinstance(statement, cst.SimpleStatementLine):
                    for small in statement.body:
                        if isinstance(small, cst.AnnAssign) and source_full(small.target) == node.attr.value:
                            return source_full(small.annotation.annotation)
        return None

    def leave_Module(self, node: cst.Module) -> None:
        for scope, call, tail, related, in_loop in self._pending:
            key = (scope.enclosing_class is not None, scope.name)
            if key in self._executor_targets:
                self._report(call, f"thread-pool target `{scope.name}`", tail, related)
            elif key in self._thread_targets and in_loop:
                self._report(call, f"the loop of thread target `{scope.name}`", tail, related)

    def _report(self, node: cst.Call, reason: str, tail: str, related: list) -> None:
        receiver = source(node.func.value)  # type: ignore[attr-defined]
        self.report(node, f"`{receiver}.set(...)` in {reason} " + tail.format(var=receiver), related=related)

    def _problem(self, node: cst.Call, function: cst.FunctionDef) -> Optional[tuple[str, list]]:
        """(message tail, related locations) when the value is not reset in a `finally`."""
        never = (
            "is never reset: the thread is reused, so the value may leak into the next request or job "
            "on it; keep `token = {var}.set(...)` and call `{var}.reset(token)` in a `finally`"
        )
        parent = self.model.parent
        if isinstance(parent, cst.WithItem):
            return None  # Python 3.14: the token is a context manager that resets on exit
        if isinstance(parent, cst.Expr):
            return never, []
        names = bound_names(parent, node)
        if not names or escapes(function, names):
            return None
        resets = release_calls(function, names, lambda call: attribute_name(call.func) == sem.CONTEXT_VAR_RESET)
        if resets is None:
            return None
        if not resets:
            return never, []
        if protected(function, resets):
            return None
        return (
            "is reset outside a `finally`: if the code in between raises, the value may leak into the "
            "next request or job on this reused thread; call `{var}.reset(token)` in a `finally`",
            [(resets[0], "reset here, not in a `finally`")],
        )

    def _record_target(self, node: cst.Call) -> None:
        func = node.func
        path = self.model.resolve(func)
        spec = concurrency.THREAD_STARTERS.get(path or "")
        if spec is not None:
            target, targets = argument(node, *spec), self._thread_targets
        elif isinstance(func, cst.Attribute) and func.attr.value in concurrency.EXECUTOR_METHODS:
            if self.model.resolve(func.value) != concurrency.THREAD_POOL + "()":
                return
            target, targets = positional(node, 0), self._executor_targets
        elif isinstance(func, cst.Attribute) and func.attr.value == "run_in_executor":
            executor = positional(node, 0)
            if executor is None or self.model.resolve(executor.value) == concurrency.PROCESS_POOL + "()":
                return
            target, targets = positional(node, 1), self._executor_targets
        else:
            return
        key = self._target_key(target.value) if target is not None else None
        if key is not None:
            targets.add(key)

    def _target_key(self, node: cst.CSTNode) -> Optional[tuple[bool, str]]:
        """(is a method, name) of the function a thread runs; `ctx.run` targets are not followed."""
        if isinstance(node, cst.Name):
            return False, node.value
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
            return True, node.attr.value
        if isinstance(node, cst.Call) and self.model.resolve(node.func) == concurrency.PARTIAL:
            first = positional(node, 0)
            return self._target_key(first.value) if first is not None else None
        return None


def source_full(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node).strip()


_CONTEXT_VAR_CONTAINER = re.compile(
    r"^(?:typing\.|t\.)?(?:Dict|dict|Mapping|MutableMapping|List|list|Sequence|Iterable|Set|set|Tuple|tuple)"
    r"\[\s*(?:contextvars\.)?ContextVar\b"
)


def _holds_context_vars(annotation: str) -> bool:
    text = annotation.strip().strip("\"'")
    return _CONTEXT_VAR_CONTAINER.match(text) is not None
