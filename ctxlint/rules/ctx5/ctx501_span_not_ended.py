"""CTX501 span-not-ended."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis import ownership
from ctxlint.analysis.project import ProjectFacts
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    has_star_args,
    has_star_kwargs,
    own_descendants,
    source,
)
from ctxlint.analysis.walker import iter_descendants
from ctxlint.rules.base import FileContext, Rule
from ctxlint.rules.ctx5.shared import (
    bound_names,
    escapes,
    function_node,
    is_tracer,
    leak_exit,
)
from ctxlint.semantics import lifecycle as sem


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
                started.update(bound_names(node, node.value) or ())
    return bool(started & returned)

def _with_alias(function: cst.FunctionDef, call: cst.Call) -> Optional[str]:
    """`name` in `with call as name:` inside `function`."""
    for node in own_descendants(function.body):
        if isinstance(node, cst.WithItem) and node.item is call:
            asname = node.asname
            if asname is not None and isinstance(asname.name, cst.Name):
                return asname.name.value
            return None
    return None

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
        function = function_node(self.model)
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
        names = bound_names(parent, node)
        if not names or function is None or escapes(function, names):
            return
        fates = [self._span_fate(function, name) for name in names]
        if any(handled for handled, _use_span in fates):
            return
        name = names[0]
        use_span = next((call for _handled, call in fates if call is not None), None)
        exit_node, exit_message = leak_exit(function, node)
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
        function = function_node(self.model)
        if not isinstance(item, cst.WithItem) or not isinstance(statement, cst.With) or function is None:
            return  # entered by hand: cannot follow
        asname = item.asname
        if asname is not None:
            if not isinstance(asname.name, cst.Name):
                return
            name = asname.name.value
            if escapes(function, [name]) or self._span_fate(function, name)[0]:
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
        exit_node, exit_message = leak_exit(function, node)
        self.report(
            node,
            f"`{source(node.func)}(..., end_on_exit=False)` leaves the span open and it is never ended, "
            f"so it is never exported; {remedy} or drop `end_on_exit=False`",
            related=[(exit_node, exit_message)],
        )
