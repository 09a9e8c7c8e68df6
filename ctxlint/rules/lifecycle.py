"""CTX5xx: span and context lifecycle (the Python spancheck and lostcancel).

Spans that are never ended, context tokens that are never detached, ContextVars set on
reused threads and never reset, ContextVars created per call, `get()` that raises in a
fresh context, and spans held across `yield`. "Handled" follows the ownership-transfer
rule (ctxlint/ownership.py): any hand-off of the value counts, so only values that are
dropped, or kept and never used in a releasing way, are reported.
"""

from __future__ import annotations

from typing import Callable, Iterator, Optional, Sequence

import libcst as cst

from ctxlint import gate, ownership
from ctxlint.entrypoints import entry_point_reason
from ctxlint.model import Scope, SemanticModel
from ctxlint.project import ProjectFacts
from ctxlint.rules.base import FileContext, Rule
from ctxlint.semantics import concurrency
from ctxlint.semantics import lifecycle as sem
from ctxlint.semantics.entrypoints import SPAN_CONTEXT_MANAGERS
from ctxlint.semantics.otel import ATTACH
from ctxlint.syntax import (
    argument,
    attribute_name,
    has_star_args,
    has_star_kwargs,
    NESTED_SCOPES,
    keyword,
    own_descendants,
    positional,
    source,
)
from ctxlint.walker import children, iter_descendants

_PROTECTING = (cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler)


# ---------------------------------------------------------------------------- helpers


def _own_nodes_with_ancestors(root: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]]:
    """`_own_nodes`, each with its ancestors below `root`."""
    stack = [(child, ()) for child in reversed(children(root))]
    while stack:
        node, ancestors = stack.pop()
        yield node, ancestors
        if isinstance(node, NESTED_SCOPES):
            continue
        inner = (*ancestors, node)
        stack.extend((child, inner) for child in reversed(children(node)))


def _function_node(model: SemanticModel) -> Optional[cst.FunctionDef]:
    """The enclosing `def` whose locals a binding belongs to (None at module or class level)."""
    if model.scope.kind != "function":
        return None
    node = model.scope.node
    return node if isinstance(node, cst.FunctionDef) else None


def _bound_names(parent: Optional[cst.CSTNode], value: cst.CSTNode) -> Optional[list[str]]:
    """Local names `value` is bound to by `parent` (`x = value`, `x: T = value`, `(x := value)`).

    None when it is stored anywhere else (an attribute, a subscript, a tuple): handed off.
    """
    if isinstance(parent, cst.Assign) and parent.value is value:
        targets = [target.target for target in parent.targets]
    elif isinstance(parent, (cst.AnnAssign, cst.NamedExpr)) and parent.value is value:
        targets = [parent.target]
    else:
        return None
    if not all(isinstance(target, cst.Name) for target in targets):
        return None
    return [target.value for target in targets]  # type: ignore[union-attr]


def _escapes(function: cst.FunctionDef, names: Sequence[str]) -> bool:
    return any(ownership.is_global_name(function, name) for name in names)


def _leak_exit(function: cst.FunctionDef, start: cst.CSTNode) -> tuple[cst.CSTNode, str]:
    """Where a value started at `start` leaves the function: the next `return`, else the
    function's last line."""
    seen = False
    last: cst.CSTNode = function.body
    for node in own_descendants(function.body):
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            last = node
        if node is start:
            seen = True
        elif seen and isinstance(node, cst.Return):
            return node, "the function returns here without ending it"
    return last, "the function ends here without ending it"


def _protected(function: cst.FunctionDef, calls: Sequence[cst.CSTNode]) -> bool:
    """Whether one of `calls` runs in a `finally` (or an `except` handler) of `function`."""
    for node, ancestors in _own_nodes_with_ancestors(function.body):
        if any(node is call for call in calls) and any(isinstance(a, _PROTECTING) for a in ancestors):
            return True
    return False


def _release_calls(
    function: cst.FunctionDef, names: Sequence[str], is_release: Callable[[cst.Call], bool]
) -> Optional[list[cst.Call]]:
    """The calls that release a token bound to `names`, or None if it is handed off elsewhere."""
    releases: list[cst.Call] = []
    for name in names:
        for use in ownership.uses(function, name):
            if not ownership.is_handling(use):
                continue
            call = use.grandparent
            if not use.captured and isinstance(use.parent, cst.Arg) and isinstance(call, cst.Call) and is_release(call):
                releases.append(call)
                continue
            return None  # stored, returned, passed on: its new owner releases it
    return releases


def _catches(node: Optional[cst.BaseExpression], names: frozenset[str]) -> bool:
    """Whether an `except <node>` clause catches one of the exception classes `names`."""
    if node is None:
        return True  # bare `except:`
    if isinstance(node, cst.Tuple):
        return any(_catches(element.value, names) for element in node.elements)
    return attribute_name(node) in names


def _caught_broadly(ancestors: Sequence[cst.CSTNode]) -> bool:
    """Inside a `try` (its body or its handlers) with a handler for `Exception` or everything:
    only a BaseException such as KeyboardInterrupt gets past it."""
    for index, ancestor in enumerate(ancestors[:-1]):
        if not isinstance(ancestor, (cst.Try, cst.TryStar)):
            continue
        inside = ancestors[index + 1]
        if inside is ancestor.body or any(inside is handler for handler in ancestor.handlers):
            if any(_catches(handler.type, sem.BROAD_CATCHERS) for handler in ancestor.handlers):
                return True
    return False


def _imported_roots(model: SemanticModel) -> set[str]:
    return {module.split(".")[0] for module in model.module_scope.memo.get("imported_modules", ())}


def is_tracer(receiver: cst.CSTNode, model: SemanticModel, facts: ProjectFacts, *, any_name: bool = False) -> bool:
    """Whether `receiver.start_span(...)` is an OpenTelemetry tracer's.

    Resolved to an `opentelemetry` path: yes. Otherwise (a tracer imported from a project
    module, an unannotated `self._tracer`, a project `get_tracer()`), only a receiver named
    like a tracer, in code that uses OpenTelemetry and no other tracing library whose spans
    are ended differently (`finish()`, `tracer.end_span()`). Other receivers are wrappers
    whose own `start_span` may keep and end the span (prefect's `RunTelemetry`).
    `any_name`: the method name alone is OpenTelemetry's (`start_as_current_span`).
    """
    path = model.resolve(receiver)
    if path is not None and path.split(".")[0] == sem.OPENTELEMETRY:
        return True
    named = attribute_name(receiver.func if isinstance(receiver, cst.Call) else receiver)
    if not any_name and (named is None or "tracer" not in named.lower()):
        return False
    roots = _imported_roots(model)
    if path is not None and path.split(".")[0] in sem.OTHER_TRACING_LIBRARIES:
        return False
    if roots & sem.OTHER_TRACING_LIBRARIES:
        return False
    return facts.opentelemetry or sem.OPENTELEMETRY in roots


def _end_on_exit_false(call: cst.Call, api: str) -> bool:
    """`end_on_exit` is literally False (or left at `use_span`'s default False)."""
    if has_star_args(call) or has_star_kwargs(call):
        return False  # cannot know
    name, position = sem.END_ON_EXIT[api]
    arg = argument(call, name, position)
    if arg is None:
        return api == sem.USE_SPAN
    return isinstance(arg.value, cst.Name) and arg.value.value == "False"


def _factory_name(name: str) -> bool:
    """Project span factories are recognised by name as well (`start_request_span`): a
    helper that happens to return a started span is not taken for one."""
    return "span" in name or "Span" in name


def _returns_started_span(function: cst.FunctionDef) -> bool:
    """The span-factory test of the project pass, on this file: `return tracer.start_span(...)`,
    or `span = tracer.start_span(...)` ... `return span`."""
    started: set[str] = set()
    returned: set[str] = set()
    for node in own_descendants(function.body):
        if isinstance(node, cst.Return) and node.value is not None:
            value = node.value
            if isinstance(value, cst.Call) and attribute_name(value.func) == sem.START_SPAN:
                return True
            if isinstance(value, cst.Name):
                returned.add(value.value)
        elif isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
            if attribute_name(node.value.func) == sem.START_SPAN:
                started.update(_bound_names(node, node.value) or ())
    return bool(started & returned)


def _is_generator(function: cst.FunctionDef) -> bool:
    return any(isinstance(node, cst.Yield) for node in own_descendants(function.body))


def _is_context_manager(function: cst.FunctionDef, scope: Scope) -> bool:
    """A generator turned into a context manager (or a pytest fixture) by a decorator."""
    for decorator, resolved in zip(function.decorators, scope.decorators):
        expression = decorator.decorator
        name = attribute_name(expression.func if isinstance(expression, cst.Call) else expression)
        if resolved.removesuffix("()") in sem.CONTEXT_MANAGER_DECORATORS:
            return True
        if name is not None and name.lower().endswith(sem.CONTEXT_MANAGER_DECORATOR_SUFFIX):
            return True
    return False


def _with_alias(function: cst.FunctionDef, call: cst.Call) -> Optional[str]:
    """`name` in `with call as name:` inside `function`."""
    for node in own_descendants(function.body):
        if isinstance(node, cst.WithItem) and node.item is call:
            asname = node.asname
            if asname is not None and isinstance(asname.name, cst.Name):
                return asname.name.value
            return None
    return None


# ---------------------------------------------------------------------------- CTX501


class SpanNotEnded(Rule):
    """## What it does
    Reports a span started with `tracer.start_span(...)` (or a project span factory) that
    is discarded, or kept and never ended or handed off; a span made current with
    `use_span(span)` (which does not end it) and never ended; and
    `start_as_current_span(..., end_on_exit=False)` whose span is never ended.

    ## Why is this bad?
    `start_span` does not end the span and does not make it current: the caller owns
    `span.end()`. A span that is never ended is never exported, so the operation is missing
    from the trace and its children hang off a parent that does not exist. `use_span`
    defaults to `end_on_exit=False`, so `with use_span(span):` alone does not end it either.
    """

    code = "CTX501"
    name = "span-not-ended"
    # A span factory defined in this file calls `start_span` here; one of the project's
    # is named by `project_triggers`.
    triggers = (sem.START_SPAN, sem.START_AS_CURRENT_SPAN)
    example = """
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    def charge(order):
        span = tracer.start_span("charge")
        span.set_attribute("order.id", order.id)
        return gateway.charge(order)
    """
    use_instead = """
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    def charge(order):
        span = tracer.start_span("charge")
        try:
            span.set_attribute("order.id", order.id)
            return gateway.charge(order)
        finally:
            span.end()
    """
    known_limits = """
    Any hand-off counts as handled (lostcancel's rule): returning the span, storing it on
    `self` or in a container, passing it to any call (also `set_span_in_context`), capturing
    it in a closure, or `with span:`. So a span ended on only some paths is not reported.
    A receiver counts as a tracer when it resolves to `opentelemetry`, or when it is named
    like one (`tracer`, `self._tracer`, `get_tracer()`) in code that uses OpenTelemetry and
    no other tracing library (ddtrace, OpenTracing, Sentry, OpenCensus); `start_span` on
    anything else is taken for a wrapper that may keep the span. Project span factories
    from other files are recognised only when their name contains "span"; factories
    defined in the linted file always are. The related location is the first `return`
    after the start, or the last line of the function.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._factories: dict[int, bool] = {}  # id(def) -> returns a started span

    def _local_factory(self, function: cst.CSTNode) -> bool:
        """A `def` of this file that returns `tracer.start_span(...)` (checked on first call)."""
        if not isinstance(function, cst.FunctionDef):
            return False
        if id(function) not in self._factories:
            self._factories[id(function)] = _returns_started_span(function)
        return self._factories[id(function)]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == sem.START_AS_CURRENT_SPAN:
            if is_tracer(func.value, self.model, self.context.facts, any_name=True):
                self._check_current_span(node)
            return
        label = self._span_start(node)
        if label is not None:
            self._check_started_span(node, label)

    # -- what starts a span the caller owns

    def _span_start(self, node: cst.Call) -> Optional[str]:
        """How messages name a call that starts a span its caller owns, or None."""
        func = node.func
        name = attribute_name(func)
        if name is None:
            return None
        if isinstance(func, cst.Attribute) and name == sem.START_SPAN:
            return f"`{source(func)}(...)`" if is_tracer(func.value, self.model, self.context.facts) else None
        if self._is_factory(func, name):
            return f"`{source(func)}(...)` (a span factory)"
        return None

    def _is_factory(self, func: cst.BaseExpression, name: str) -> bool:
        """A call of a project function that returns `tracer.start_span(...)`."""
        if isinstance(func, cst.Name):
            binding = self.model.lookup(name)
            if binding is not None and isinstance(binding.node, cst.FunctionDef):
                return self._local_factory(binding.node)
            if binding is not None and isinstance(binding.node, cst.ImportAlias) and binding.path:
                return self._project_factory(binding.path.rsplit(".", 1)[-1])
            return False
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.value.value in ("self", "cls"):
                return self._local_factory(self._method(name))
            binding = self.model.lookup(func.value.value)  # `telemetry.start_request_span(...)`
            return binding is not None and isinstance(binding.node, cst.ImportAlias) and self._project_factory(name)
        return False

    def _method(self, name: str) -> Optional[cst.FunctionDef]:
        """The method `name` of the class the current method belongs to, in this file."""
        function = self.model.function
        cls = function.enclosing_class if function is not None else None
        if cls is None or not isinstance(cls.node, cst.ClassDef):
            return None
        for statement in cls.node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
                return statement
        return None

    @classmethod
    def project_triggers(cls, facts: ProjectFacts) -> tuple[str, ...]:
        return tuple(sorted(name for name in facts.span_factories if _factory_name(name)))

    def _project_factory(self, name: str) -> bool:
        return name in self.context.facts.span_factories and _factory_name(name)

    # -- tracer.start_span(...) and factories

    def _check_started_span(self, node: cst.Call, label: str) -> None:
        ancestors = self.model.ancestors
        parent = ancestors[-2] if len(ancestors) >= 2 else None
        grandparent = ancestors[-3] if len(ancestors) >= 3 else None
        function = _function_node(self.model)
        if isinstance(parent, cst.Expr) or (
            isinstance(parent, cst.Attribute)
            and parent.value is node
            and parent.attr.value not in (*sem.SPAN_RELEASE_METHODS, sem.SPAN_MANUAL_ENTER)
        ):
            self.report(
                node,
                f"span from {label} is discarded without `end()`, so it is never exported; "
                f"use it in `with ... as span:` or keep it and call `span.end()`",
            )
            return
        if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call):
            if not self._leaves_open(grandparent, parent):
                return  # handed to a helper, or `use_span(..., end_on_exit=True)`
            alias = _with_alias(function, grandparent) if function is not None else None
            if alias is not None and function is not None and self._span_fate(function, alias)[0]:
                return
            self.report(
                node,
                f"span from {label} is made current by `use_span(...)`, which does not end it "
                f"(end_on_exit=False), and it is never ended; pass `end_on_exit=True`",
                related=[(grandparent, "`use_span` leaves the span open here")],
            )
            return
        names = _bound_names(parent, node)
        if not names or function is None or _escapes(function, names):
            return
        fates = [self._span_fate(function, name) for name in names]
        if any(handled for handled, _use_span in fates):
            return
        name = names[0]
        use_span = next((call for _handled, call in fates if call is not None), None)
        exit_node, exit_message = _leak_exit(function, node)
        related = [(exit_node, exit_message)]
        if use_span is not None:
            related.insert(0, (use_span, "`use_span` does not end the span (end_on_exit=False)"))
            message = (
                f"span `{name}` from {label} is made current by `use_span(...)`, which does not end "
                f"it, and it is never ended; pass `end_on_exit=True` or call `{name}.end()` in a `finally`"
            )
        else:
            message = (
                f"span `{name}` from {label} is never ended or handed off, so it is never exported; "
                f"call `{name}.end()` in a `finally`, or use it in `with ... as {name}:`"
            )
        self.report(node, message, related=related)

    def _leaves_open(self, call: cst.Call, arg: cst.Arg) -> bool:
        """`use_span(<arg>)` with `end_on_exit` left False."""
        if self.model.resolve(call.func) != sem.USE_SPAN:
            return False
        return argument(call, "span", 0) is arg and _end_on_exit_false(call, sem.USE_SPAN)

    def _span_fate(
        self, function: cst.FunctionDef, name: str, seen: frozenset[str] = frozenset()
    ) -> tuple[bool, Optional[cst.Call]]:
        """(ended or handed off, the `use_span(name)` call that leaves it open if any)."""
        open_use_span = None
        for use in ownership.uses(function, name):
            call = use.grandparent
            if isinstance(use.parent, cst.Arg) and isinstance(call, cst.Call) and self._leaves_open(call, use.parent):
                open_use_span = call
                # `with use_span(span) as current:` yields the same span under another name
                alias = _with_alias(function, call)
                if alias is not None and alias not in seen and alias != name:
                    if self._span_fate(function, alias, seen | {name})[0]:
                        return True, None
                continue
            if ownership.is_handling(use, sem.SPAN_RELEASE_METHODS):
                return True, None
        return False, open_use_span

    # -- start_as_current_span(..., end_on_exit=False)

    def _check_current_span(self, node: cst.Call) -> None:
        if not _end_on_exit_false(node, sem.START_AS_CURRENT_SPAN):
            return
        ancestors = self.model.ancestors
        item = ancestors[-2] if len(ancestors) >= 2 else None
        statement = ancestors[-3] if len(ancestors) >= 3 else None
        function = _function_node(self.model)
        if not isinstance(item, cst.WithItem) or not isinstance(statement, cst.With) or function is None:
            return  # entered by hand: cannot follow
        asname = item.asname
        if asname is not None:
            if not isinstance(asname.name, cst.Name):
                return
            name = asname.name.value
            if _escapes(function, [name]) or self._span_fate(function, name)[0]:
                return
            remedy = f"call `{name}.end()`"
        else:
            # Without a name the span can only be ended through `get_current_span()`.
            if any(
                isinstance(n, cst.Call) and attribute_name(n.func) == "get_current_span"
                for n in iter_descendants(statement.body)
            ):
                return
            remedy = "keep it (`as span`) and call `span.end()`"
        exit_node, exit_message = _leak_exit(function, node)
        self.report(
            node,
            f"`{source(node.func)}(..., end_on_exit=False)` leaves the span open and it is never ended, "
            f"so it is never exported; {remedy} or drop `end_on_exit=False`",
            related=[(exit_node, exit_message)],
        )


# ---------------------------------------------------------------------------- CTX502


class ContextNotDetached(Rule):
    """## What it does
    Reports `opentelemetry.context.attach(...)` whose token is discarded, or kept and never
    passed to `context.detach`. With `--preview`, also a `detach` that is not in a
    `finally` while the code between `attach` and `detach` can raise.

    ## Why is this bad?
    `attach` makes a context current for the rest of the thread's (or task's) life until
    the token is detached. On a pooled worker thread the attached span and baggage leak
    into every later, unrelated task on that thread: their spans become children of a
    finished request's span. `detach` never raises, so nothing tells you.
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
    any call), so a token detached on only some paths is not reported. A context setter is
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
        function = _function_node(self.model)
        names = _bound_names(parent, node)
        if not names or function is None or _escapes(function, names):
            return
        if not any(ownership.is_handled(function, name) for name in names):
            exit_node, exit_message = _leak_exit(function, node)
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

    def _is_context_setter(self) -> bool:
        """The discarded `attach` is the last thing an undecorated function does, and this
        module only ever calls that function directly: it sets the context for its callers."""
        function = _function_node(self.model)
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
            for name in _bound_names(node, node.value) or ()
        }

    def _is_restored(self, node: cst.Call) -> bool:
        """`attach(saved)` with `saved = get_current()` is itself the restore; any other
        discarded attach is restored when the function re-attaches a saved context in a
        `finally` (logfire's `attach_context`)."""
        function = _function_node(self.model)
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
            for n, ancestors in _own_nodes_with_ancestors(function.body)
        )

    def _inside_an_owned_scope(self, node: cst.Call) -> bool:
        """Earlier, this function made a context current and handed its closing to other
        code (stored it for a request-teardown hook): `token = attach(...)`, or
        `activation = use_span(span); activation.__enter__()`. Closing that scope later
        resets the context to what it was before it, this attach included (flask's
        sqlcommenter attach inside the request's `use_span`)."""
        function = _function_node(self.model)
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
                names = _bound_names(current, call) or ()
                path = self.model.resolve(call.func)
                if path == ATTACH:
                    open_scopes.update(names)
                elif path == sem.USE_SPAN or attribute_name(call.func) == sem.START_AS_CURRENT_SPAN:
                    managers.update(names)
        return False

    def _check_finally(self, node: cst.Call, function: cst.FunctionDef, names: list[str], label: str) -> None:
        detaches = _release_calls(function, names, lambda call: self.model.resolve(call.func) == sem.DETACH)
        if not detaches or _protected(function, detaches):
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
        for node, ancestors in _own_nodes_with_ancestors(function.body):
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


# ---------------------------------------------------------------------------- CTX503


class ContextVarNotReset(Rule):
    """## What it does
    Reports `var.set(...)` on a `contextvars.ContextVar` inside a synchronous entry point
    (a request handler, a task) or a function run by a thread pool (or in the loop of a
    thread target) without `var.reset(token)` in a `finally`.

    ## Why is this bad?
    Synchronous handlers run on reused threads (WSGI worker pools, Celery workers,
    `ThreadPoolExecutor`). Each thread keeps one context for its whole life, so a value set
    for one request is still there for the next request or job on that thread: request ids,
    tenants and users leak across requests.
    """

    code = "CTX503"
    name = "contextvar-not-reset"
    triggers = ("ContextVar",)
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
    `with var.set(value):` (Python 3.14) resets on exit.
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
        if self.model.resolve(func.value) != sem.CONTEXT_VAR + "()":
            return
        scope = self.model.function
        function = _function_node(self.model)
        if scope is None or function is None or scope.is_async:
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
        names = _bound_names(parent, node)
        if not names or _escapes(function, names):
            return None
        resets = _release_calls(function, names, lambda call: attribute_name(call.func) == sem.CONTEXT_VAR_RESET)
        if resets is None:
            return None
        if not resets:
            return never, []
        if _protected(function, resets):
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


# ---------------------------------------------------------------------------- CTX504


class ContextVarInFunction(Rule):
    """## What it does
    Reports `contextvars.ContextVar(...)` created inside a function body and kept only in
    that call: discarded, used in place, or bound to a local that never leaves the function.

    ## Why is this bad?
    Each call creates a new variable that no other code can see, so a value set in it is
    invisible everywhere else and `get()` never finds what another call set. Contexts hold
    strong references to their variables, so every call also leaks one. The Python docs:
    "Context Variables should be created at the top module level and never in closures."
    """

    code = "CTX504"
    name = "contextvar-in-function"
    triggers = ("ContextVar",)
    example = """
    from contextvars import ContextVar

    def current_request_id():
        request_id = ContextVar("request_id", default=None)
        return request_id.get()
    """
    use_instead = """
    from contextvars import ContextVar

    request_id = ContextVar("request_id", default=None)

    def current_request_id():
        return request_id.get()
    """
    known_limits = """
    A variable that leaves the function is not reported: returned (a factory called at
    import time), stored on `self` (a per-instance variable such as asgiref's or
    werkzeug's `Local`, or OpenTelemetry's own runtime context), put in a registry, declared
    `global`, passed on or captured by a closure. So a per-request object that makes its own
    ContextVar in `__init__` is not caught.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if self.model.resolve(node.func) != sem.CONTEXT_VAR:
            return
        function = _function_node(self.model)
        if function is None:
            return  # module level, a class body, or a lambda's return value
        parent = self.model.parent
        dropped = isinstance(parent, cst.Expr) or (isinstance(parent, cst.Attribute) and parent.value is node)
        if not dropped:
            names = _bound_names(parent, node)
            if not names or _escapes(function, names):
                return
            if any(ownership.is_handled(function, name) for name in names):
                return
        label = source(node.args[0].value) if node.args else ""
        self.report(
            node,
            f"`ContextVar({label})` is created on every call of `{function.name.value}`: each call gets "
            f"a new variable nothing else can see, and contexts keep it alive; create it once at module level",
        )


# ---------------------------------------------------------------------------- CTX505


class ContextVarGetMayRaise(Rule):
    """## What it does
    Reports `var.get()` with no argument on a module-level `ContextVar` declared without
    `default=`, outside a `try` that catches `LookupError` and not after a `var.set(...)`
    in the same function.

    ## Why is this bad?
    `get()` raises `LookupError` wherever the variable was never set: in any new thread
    (threads start with an empty context), an executor worker, a callback scheduled from
    another thread, or a code path that skipped the `set`. It works in the request path it
    was written for and crashes in the background job that reuses the helper.
    """

    code = "CTX505"
    name = "contextvar-get-may-raise"
    preview = True
    triggers = ("ContextVar",)
    requires = (("get",),)
    example = """
    from contextvars import ContextVar

    tenant = ContextVar("tenant")

    def tenant_label():
        return f"tenant={tenant.get()}"
    """
    use_instead = """
    from contextvars import ContextVar

    tenant = ContextVar("tenant")

    def tenant_label():
        return f"tenant={tenant.get(None)}"
    """
    known_limits = """
    Only variables declared at module level in the same file are checked. `except KeyError`
    does not guard (only `LookupError`, `Exception`, `BaseException` or a bare `except`,
    and `contextlib.suppress` of those). A `set` earlier in the same function, on any path,
    exempts the later `get()`s; a `set` in the caller does not, so helpers that run only
    after their caller set the variable are reported. On the benchmark corpus all 8
    findings were of that kind (tornado's context-propagation tests, where a LookupError is
    the test's failure signal): no true positive, so the rule stays preview.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._set_in: dict[int, set[str]] = {}  # function node id -> variables set so far

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return
        function = self.model.function
        if function is None:
            return
        name, method = func.value.value, func.attr.value
        if method == sem.CONTEXT_VAR_SET:
            self._set_in.setdefault(id(function.node), set()).add(name)
            return
        if method != sem.CONTEXT_VAR_GET or node.args:
            return
        binding = self.model.lookup(name)
        if binding is None or self.model.module_scope.bindings.get(name) is not binding:
            return
        declaration = binding.node
        if not (isinstance(declaration, cst.Call) and self.model.resolve(declaration.func) == sem.CONTEXT_VAR):
            return
        if keyword(declaration, "default") is not None or has_star_kwargs(declaration):
            return
        if name in self._set_in.get(id(function.node), ()) or self._guarded():
            return
        self.report(
            node,
            f"`{name}.get()` raises LookupError wherever `{name}` was never set (a new thread, an "
            f"executor, a fresh context) because it has no default; use `{name}.get(None)` or declare "
            f"`ContextVar(..., default=...)`",
        )

    def _guarded(self) -> bool:
        ancestors = self.model.ancestors
        for index in range(len(ancestors) - 2, -1, -1):
            ancestor = ancestors[index]
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
            if isinstance(ancestor, (cst.Try, cst.TryStar)) and ancestors[index + 1] is ancestor.body:
                if any(_catches(handler.type, sem.LOOKUP_ERROR_CATCHERS) for handler in ancestor.handlers):
                    return True
        for item, path in self.model.enclosing_with_paths():
            if path == sem.SUPPRESS + "()" and isinstance(item.item, cst.Call):
                if any(_catches(arg.value, sem.LOOKUP_ERROR_CATCHERS) for arg in item.item.args):
                    return True
        return False


# ---------------------------------------------------------------------------- CTX506


class SpanAcrossYield(Rule):
    """## What it does
    Reports a `yield` in a generator or async generator while a span is current: inside
    `with tracer.start_as_current_span(...)`, `with use_span(...)`, or between
    `context.attach(...)` and `context.detach(token)`; and
    `@tracer.start_as_current_span(...)` decorating a generator function.

    ## Why is this bad?
    Generators run in their consumer's context. Between items the span stays current in
    the consumer, so the consumer's own spans become its children. When the generator is
    resumed or closed from another task or thread (a streaming response cancelled mid-way,
    an `async for` left early, `aclose()` from another task), detaching fails with
    "Failed to detach context" and the span stays attached wherever it was entered. As a
    decorator on a generator function the span starts and ends when the generator object
    is created: the body runs outside it.
    """

    code = "CTX506"
    name = "span-across-yield"
    triggers = (gate.GENERATOR,)
    requires = ((sem.START_AS_CURRENT_SPAN, "use_span", "attach"),)
    example = """
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    async def stream_rows(query):
        with tracer.start_as_current_span("stream_rows"):
            async for row in database.fetch(query):
                yield row
    """
    use_instead = """
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)

    async def stream_rows(query):
        span = tracer.start_span("stream_rows")
        try:
            async for row in database.fetch(query):
                yield row
        finally:
            span.end()
    """
    known_limits = """
    Generators decorated with `contextlib.contextmanager`/`asynccontextmanager`, any
    decorator whose name ends in "contextmanager" (OpenTelemetry's own
    `_agnosticcontextmanager`), or a pytest fixture decorator are exempt: their `yield` is
    the body of the caller's `with` block. Regions between `attach` and `detach` are
    followed in source order within one function, for tokens bound to a name.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._attached: dict[int, dict[str, cst.Call]] = {}  # function node id -> open tokens

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            call = decorator.decorator
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
                continue
            if (
                call.func.attr.value == sem.START_AS_CURRENT_SPAN
                and is_tracer(call.func.value, self.model, self.context.facts, any_name=True)
                and _is_generator(node)
            ):
                self.report(
                    decorator,
                    f"`@{source(call.func)}(...)` on generator function `{node.name.value}` ends the span "
                    f"when the generator object is created, before the body runs; start the span inside "
                    f"the body, around code that does not yield",
                )

    def visit_Call(self, node: cst.Call) -> None:
        path = self.model.resolve(node.func)
        if path not in (ATTACH, sem.DETACH):
            return
        function = _function_node(self.model)
        if function is None:
            return
        open_tokens = self._attached.setdefault(id(function), {})
        if path == ATTACH:
            for name in _bound_names(self.model.parent, node) or ():
                open_tokens[name] = node
            return
        token = positional(node, 0)
        if token is not None and isinstance(token.value, cst.Name):
            open_tokens.pop(token.value.value, None)

    def visit_Yield(self, node: cst.Yield) -> None:
        scope = self.model.function
        function = _function_node(self.model)
        if scope is None or function is None:
            return
        if _is_context_manager(function, scope):
            return
        region = self._span_region(function)
        if region is None:
            return
        description, start, started = region
        if isinstance(start, cst.WithItem):
            held, remedy = "the span", "make the span current only around code that does not yield"
        else:
            held, remedy = "the attached context", "detach before yielding"
        self.report(
            node,
            f"`yield` {description} in generator `{function.name.value}`: {held} stays current in the "
            f"consumer between items, and resuming or closing the generator from another task or thread "
            f"fails to detach it; {remedy}",
            related=[(start, started)],
        )

    def _span_region(self, function: cst.FunctionDef) -> Optional[tuple[str, cst.CSTNode, str]]:
        """(how messages name the region, the `with` item or `attach` call opening it, its label)."""
        for item, path in self.model.enclosing_with_paths():
            call = item.item
            if not isinstance(call, cst.Call) or attribute_name(call.func) not in SPAN_CONTEXT_MANAGERS:
                continue
            func = call.func
            is_use_span = path == sem.USE_SPAN + "()"
            is_current_span = (
                isinstance(func, cst.Attribute)
                and func.attr.value == sem.START_AS_CURRENT_SPAN
                and is_tracer(func.value, self.model, self.context.facts, any_name=True)
            )
            if is_use_span or is_current_span:
                return f"inside `with {source(func)}(...)`", item, "the span is made current here"
        for token, attach in self._attached.get(id(function), {}).items():
            return (
                f"between `{source(attach.func)}(...)` and `context.detach({token})`",
                attach,
                "the context is attached here",
            )
        return None
