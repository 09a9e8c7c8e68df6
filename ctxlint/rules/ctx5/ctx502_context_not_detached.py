"""CTX502 context-not-detached."""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from ctxlint.analysis import ownership
from ctxlint.analysis.syntax import (
    attribute_name,
    own_descendants,
    positional,
    source,
)
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import Rule
from ctxlint.rules.ctx5.shared import (
    bound_names,
    catches,
    contains_call,
    enclosing_class,
    escapes,
    function_node,
    is_shared_middleware,
    leak_exit,
    methods_of,
    own_nodes_with_ancestors,
    protected,
    release_calls,
    released_elsewhere,
    stored_on,
)
from ctxlint.semantics import lifecycle as sem
from ctxlint.semantics.otel import ATTACH


def _caught_broadly(ancestors: Sequence[cst.CSTNode]) -> bool:
    """Inside a `try` (its body or its handlers) with a handler for `Exception` or everything:
    only a BaseException such as KeyboardInterrupt gets past it."""
    for index, ancestor in enumerate(ancestors[:-1]):
        if not isinstance(ancestor, (cst.Try, cst.TryStar)):
            continue
        inside = ancestors[index + 1]
        if inside is ancestor.body or any(inside is handler for handler in ancestor.handlers):
            if any(catches(handler.type, sem.BROAD_CATCHERS) for handler in ancestor.handlers):
                return True
    return False

class ContextNotDetached(Rule):
    """## What it does
    Reports `opentelemetry.context.attach(...)` whose token is discarded, or kept and never
    passed to `context.detach`, or detached somewhere that cannot restore the context: in
    a Django middleware's `process_response`/`process_exception` after an attach in
    `process_request`/`process_view`, by another method of a middleware every request
    shares (the token kept on `self`), or by a generator it is handed to, which detaches it
    only when its consumer finishes iterating. With `--preview`, also a `detach` that is not
    in a `finally` while the code between `attach` and `detach` can raise.

    ## Why is this bad?
    `attach` makes a context current for the rest of the thread's (or task's) life until
    the token is detached. On a pooled worker thread the attached span and baggage leak
    into every later, unrelated task on that thread: their spans become children of a
    finished request's span. `detach` never raises, so nothing tells you. A token can only
    be detached in the Context that attached it: detached from another Django hook (each
    runs in its own context copy under ASGI), from a request that overwrote a shared
    middleware's `self._token`, or from a consumer in another task, it logs "Failed to
    detach context" and the context stays attached.
    """

    code = "CTX502"
    name = "context-not-detached"
    triggers = ("attach",)
    modules = ("opentelemetry",)
    example = """
    from opentelemetry import context, propagate

    def on_message(message):
        context.attach(propagate.extract(message.headers))
        process(message)
    """
    use_instead = """
    from opentelemetry import context, propagate

    def on_message(message):
        token = context.attach(propagate.extract(message.headers))
        try:
            process(message)
        finally:
            context.detach(token)
    """
    known_limits = """
    Any hand-off of the token counts as handled (stored on an object, returned, passed to
    any call), so a token detached on only some paths is not reported, except the three
    hand-offs above, which are followed by the storage's text within one class (Django
    hooks, a shared middleware: ASGI/WSGI `__call__`, Django `get_response`, Starlette
    `dispatch`) or to a generator function defined in this module. An `__enter__`/`__exit__`
    pair is never reported (one `with` runs both in one context). A context setter is
    not reported either: a plain function whose last action is `attach(...)` and which this
    module only ever calls directly (OpenTelemetry's labeler helper): the context is meant
    for its callers, whose own attach/detach scope restores it. The same shape passed as a
    callback (a signal or hook handler) is reported. Also not reported: a discarded
    `attach` restored by re-attaching a context saved with `get_current()` in a `finally`
    (and that re-attach itself), and one made after this function's own `token =
    attach(...)` whose token is stored for the code that detaches it (detaching that token
    resets the context to what it was before both), or after a `use_span(...)` entered by
    hand with `__enter__()` and stored for the code that exits it. The `finally` check (preview) applies
    to a token detached in the same function; a `detach` in an `except` handler counts as
    protected. It judges "can raise" by the presence of calls, so it also reports code
    that cannot raise in practice (span attribute setters, SDK bookkeeping): 0 true
    positives in 2 findings on the benchmark corpus, which is why it stays preview.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if self.model.resolve(node.func) != ATTACH:
            return
        label = source(node.func)
        parent = self.model.parent
        if isinstance(parent, cst.Expr):
            if self._is_context_setter() or self._is_restored(node) or self._inside_an_owned_scope(node):
                return
            self.report(
                node,
                f"the token returned by `{label}(...)` is discarded, so the context is never detached "
                f"and leaks into whatever runs next in this thread or task; keep it and call "
                f"`context.detach(token)` in a `finally`",
            )
            return
        function = function_node(self.model)
        if function is not None and self._detached_elsewhere(node, function, label):
            return
        names = bound_names(parent, node)
        if not names or function is None or escapes(function, names):
            return
        if not any(ownership.is_handled(function, name) for name in names):
            exit_node, exit_message = leak_exit(function, node)
            self.report(
                node,
                f"token `{names[0]}` from `{label}(...)` is never passed to `context.detach`, so the "
                f"context stays attached and leaks into whatever runs next in this thread or task; call "
                f"`context.detach({names[0]})` in a `finally`",
                related=[(exit_node, exit_message.replace("ending", "detaching"))],
            )
            return
        if self.context.settings.preview:
            self._check_finally(node, function, names, label)

    def _detached_elsewhere(self, node: cst.Call, function: cst.FunctionDef, label: str) -> bool:
        """Report (and return True) an attach whose detach runs somewhere that cannot restore
        this context: a Django response hook, another method of a shared middleware, or a
        generator that detaches only when its consumer finishes iterating."""
        parent = self.model.parent
        cls = enclosing_class(self.model)
        name = function.name.value

        def is_detach(call: cst.Call) -> bool:
            return self.model.resolve(call.func) == sem.DETACH

        target = stored_on(function, node, parent)
        if cls is not None and name in sem.DJANGO_REQUEST_HOOKS:
            partner = None
            if target is not None:
                found = released_elsewhere(cls, function, target, is_detach)
                if found is not None and found[0].name.value in sem.DJANGO_RESPONSE_HOOKS:
                    partner = found[0]
            else:
                partner = next(
                    (
                        m
                        for n, m in sorted(methods_of(cls).items())
                        if n in sem.DJANGO_RESPONSE_HOOKS and contains_call(m.body, is_detach) is not None
                    ),
                    None,
                )
            if partner is not None:
                self.report(
                    node,
                    f"`{label}(...)` in Django middleware hook `{name}` is detached in `{partner.name.value}`: under "
                    f"ASGI each hook runs in its own context copy, so the detach fails (\"Failed to detach "
                    f"context\"), and a request whose `{partner.name.value}` never runs (a cancelled request) stays "
                    f"attached; attach and detach in one `__call__` with try/finally",
                    related=[(partner.name, "detached here, in another hook")],
                )
                return True
        if (
            cls is not None
            and target is not None
            and target.startswith("self.")
            and name not in sem.PAIRED_METHODS
            and is_shared_middleware(cls)
        ):
            found = released_elsewhere(cls, function, target, is_detach)
            if found is not None:
                self.report(
                    node,
                    f"the token of `{label}(...)` is kept on `{target}` of a middleware that every request shares, "
                    f"and detached in `{found[0].name.value}`: concurrent requests overwrite it, so the detach "
                    f"fails or restores another request's context; keep the token in a local and detach it in "
                    f"the same call",
                    related=[(found[0].name, "detached here, from the shared attribute")],
                )
                return True
        generator = self._handed_to_a_generator(node, function, parent, is_detach)
        if generator is not None:
            self.report(
                node,
                f"the token of `{label}(...)` is handed to generator `{generator.name.value}`, which detaches it only "
                f"when its consumer finishes iterating: until then the context stays attached after this function "
                f"returns, and a consumer that stops early, or iterates in another task or thread, never detaches "
                f"it or fails to; detach before returning and attach around each step in the generator",
                related=[(generator.name, "detached only at the end of this generator")],
            )
            return True
        return False

    def _handed_to_a_generator(self, node, function, parent, is_detach) -> Optional[cst.FunctionDef]:
        """`token = attach(...)` ... `return self._stream(result, token)` with `_stream` a
        generator of this module that detaches its token parameter."""
        for token in bound_names(parent, node) or ():
            for use in ownership.uses(function, token):
                call = use.grandparent
                if not (isinstance(use.parent, cst.Arg) and isinstance(call, cst.Call)) or is_detach(call):
                    continue
                callee = self._local_function(call.func)
                if callee is None or not any(isinstance(n, cst.Yield) for n in own_descendants(callee.body)):
                    continue
                if contains_call(callee.body, is_detach) is not None:
                    return callee
        return None

    def _local_function(self, func: cst.BaseExpression) -> Optional[cst.FunctionDef]:
        """A function or method (of the current class) defined in this module."""
        if isinstance(func, cst.Name):
            binding = self.model.lookup(func.value)
            node = binding.node if binding is not None else None
            return node if isinstance(node, cst.FunctionDef) else None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            cls = enclosing_class(self.model)
            return methods_of(cls).get(func.attr.value) if cls is not None else None
        return None

    def _is_context_setter(self) -> bool:
        """The discarded `attach` is the last thing an undecorated function does, and this
        module only ever calls that function directly: it sets the context for its callers."""
        function = function_node(self.model)
        if function is None or function.decorators or self.model.scope.enclosing_class is not None:
            return False
        ancestors = self.model.ancestors
        child: cst.CSTNode = ancestors[-2]  # the `Expr`
        for parent in reversed(ancestors[:-2]):
            if parent is function:
                break
            if isinstance(parent, (cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.IndentedBlock)):
                if parent.body[-1] is not child:
                    return False
            elif isinstance(parent, cst.Try):
                if child is not parent.body or parent.orelse is not None:
                    return False
            elif not isinstance(parent, (cst.If, cst.Else)):
                return False
            child = parent
        return _only_called(self.model.module_scope.node, function.name.value)

    def _saved_contexts(self, function: cst.FunctionDef) -> set[str]:
        """Names bound to `context.get_current()` in `function`."""
        return {
            name
            for node in own_descendants(function.body)
            if isinstance(node, cst.Assign)
            and isinstance(node.value, cst.Call)
            and self.model.resolve(node.value.func) == sem.GET_CURRENT
            for name in bound_names(node, node.value) or ()
        }

    def _is_restored(self, node: cst.Call) -> bool:
        """`attach(saved)` with `saved = get_current()` is itself the restore; any other
        discarded attach is restored when the function re-attaches a saved context in a
        `finally` (logfire's `attach_context`)."""
        function = function_node(self.model)
        if function is None:
            return False
        saved = self._saved_contexts(function)
        if not saved:
            return False

        def restores(call: cst.CSTNode) -> bool:
            first = positional(call, 0) if isinstance(call, cst.Call) else None
            return (
                first is not None
                and isinstance(first.value, cst.Name)
                and first.value.value in saved
                and self.model.resolve(call.func) == ATTACH  # type: ignore[union-attr]
            )

        if restores(node):
            return True
        return any(
            restores(n) and any(isinstance(a, cst.Finally) for a in ancestors)
            for n, ancestors in own_nodes_with_ancestors(function.body)
        )

    def _inside_an_owned_scope(self, node: cst.Call) -> bool:
        """Earlier, this function made a context current and handed its closing to other
        code (stored it for a request-teardown hook): `token = attach(...)`, or
        `activation = use_span(span); activation.__enter__()`. Closing that scope later
        resets the context to what it was before it, this attach included (flask's
        sqlcommenter attach inside the request's `use_span`)."""
        function = function_node(self.model)
        if function is None:
            return False
        managers: set[str] = set()  # bound to use_span(...)/start_as_current_span(...)
        open_scopes: set[str] = set()
        for current in own_descendants(function.body):
            if current is node:
                return any(ownership.is_handled(function, name) for name in open_scopes)
            if isinstance(current, cst.Call):
                func = current.func
                if self.model.resolve(func) == sem.DETACH:
                    token = positional(current, 0)
                    if token is not None and isinstance(token.value, cst.Name):
                        open_scopes.discard(token.value.value)
                elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                    if func.attr.value == sem.SPAN_MANUAL_ENTER and func.value.value in managers:
                        open_scopes.add(func.value.value)
                    elif func.attr.value == "__exit__":
                        open_scopes.discard(func.value.value)
            elif isinstance(current, (cst.Assign, cst.AnnAssign)) and isinstance(current.value, cst.Call):
                call = current.value
                names = bound_names(current, call) or ()
                path = self.model.resolve(call.func)
                if path == ATTACH:
                    open_scopes.update(names)
                elif path == sem.USE_SPAN or attribute_name(call.func) == sem.START_AS_CURRENT_SPAN:
                    managers.update(names)
        return False

    def _check_finally(self, node: cst.Call, function: cst.FunctionDef, names: list[str], label: str) -> None:
        detaches = release_calls(function, names, lambda call: self.model.resolve(call.func) == sem.DETACH)
        if not detaches or protected(function, detaches):
            return
        if not self._can_raise_before(function, node, detaches):
            return
        self.report(
            node,
            f"`{label}(...)` is detached outside a `finally`: if the code in between raises, the "
            f"context stays attached to this thread or task; call `context.detach({names[0]})` in a `finally`",
            related=[(detaches[0], "detached here, not in a `finally`")],
        )

    def _can_raise_before(self, function: cst.FunctionDef, attach: cst.Call, detaches: list[cst.Call]) -> bool:
        """A call, `await`, `raise` or `yield` runs after the attach statement, before a detach."""
        statement = next((a for a in reversed(self.model.ancestors) if isinstance(a, cst.BaseSmallStatement)), attach)
        after = False
        for node, ancestors in own_nodes_with_ancestors(function.body):
            if node is statement:
                after = True
                continue
            if not after or any(a is statement for a in ancestors):
                continue
            if any(node is call for call in detaches):
                return False
            if isinstance(node, (cst.Call, cst.Await, cst.Raise, cst.Yield)) and not _caught_broadly(ancestors):
                return True
        return False

def _only_called(module: cst.Module, name: str) -> bool:
    """`name` is referenced in `module`, and only as the callee of a call."""
    calls = 0
    for node in iter_descendants(module):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == name:
            calls += 1
    loads = sum(1 for use in ownership.uses(module, name))
    return calls > 0 and loads == calls
