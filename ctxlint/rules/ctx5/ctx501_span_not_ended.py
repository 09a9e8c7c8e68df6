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
    keyword,
    own_descendants,
    positional,
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
    own_nodes_with_ancestors,
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

def _reads_attribute(value: cst.BaseExpression, attribute: str) -> bool:
    """`x.<attribute>` or `getattr(x, "<attribute>"...)`."""
    if isinstance(value, cst.Attribute):
        return value.attr.value == attribute
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "getattr":
        second = value.args[1].value if len(value.args) >= 2 else None
        return isinstance(second, cst.SimpleString) and second.evaluated_value == attribute
    return False


def _is_alias(node: cst.BaseExpression, aliases: set[str], attribute: str) -> bool:
    return source(node) in aliases or (isinstance(node, cst.Attribute) and node.attr.value == attribute)


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
    Reports a span started with `tracer.start_span(...)`, Sentry's `sentry_sdk.start_span(...)`
    / `start_transaction(...)` outside `with`, or a project span factory, that is discarded,
    or kept and never ended or handed off; a span kept on an object whose every end in this
    module runs only on some exits (after code that can raise, outside a `finally`, or in
    the `StopIteration` branch of a stream); a span made current with `use_span(span)`
    (which does not end it) and never ended; and `start_as_current_span(...,
    end_on_exit=False)` whose span is never ended.

    ## Why is this bad?
    `start_span` does not end the span and does not make it current: the caller owns
    `span.end()`. A span that is never ended is never exported, so the operation is missing
    from the trace and its children hang off a parent that does not exist. A span ended only
    after a successful response, or only when a stream runs to its end, is lost on a timeout,
    an error, an early `break` or `close()`. `use_span`
    defaults to `end_on_exit=False`, so `with use_span(span):` alone does not end it either.
    """

    code = "CTX501"
    name = "span-not-ended"
    # A span factory defined in this file calls `start_span` here; one of the project's
    # is named by `project_triggers`.
    triggers = (sem.START_SPAN, sem.START_AS_CURRENT_SPAN, "start_transaction")
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
    it in a closure, or `with span:`. So a span ended on only some paths of the function that
    started it is not reported. A span whose only owners are attributes (`self._span =
    span`, or `self.<x>` of a class of this module built with it) is followed to the places
    that end it: the methods of that class, or any function of the module for a
    non-class owner (`conn._sentry_span`); it is reported when they exist and every one is
    in an `except` handler, or comes after a call that may raise (anything but methods of
    the span, logging and a few builtins) outside a `finally`, and none is in a finaliser
    (`close`, `__exit__`, `__del__`, ...). A span also passed to another call is followed
    only if it is stored on an attribute too. A span named in an `assert` counts as handled:
    it is the object a test examines (often a mock), not a span whose export matters.
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
            if self.model.resolve(func) in sem.SENTRY_SPAN_STARTS:
                return f"`{source(func)}(...)`"
            return f"`{source(func)}(...)`" if is_tracer(func.value, self.model, self.context.facts) else None
        if self.model.resolve(func) in sem.SENTRY_SPAN_STARTS:
            if name == "start_transaction" and (positional(node, 0) is not None or keyword(node, "transaction")):
                return None  # starts a transaction object the caller already holds
            return f"`{source(func)}(...)`"
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
        finish = "finish" if self.model.resolve(node.func) in sem.SENTRY_SPAN_STARTS else "end"
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
                f"span from {label} is discarded without `{finish}()`, so it is never exported; "
                f"use it in `with ... as span:` or keep it and call `span.{finish}()`",
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
        if function is not None and (names or isinstance(parent, (cst.Assign, cst.AnnAssign))):
            if self._ended_only_on_some_exits(node, function, parent, names or [], label):
                return
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
                f"call `{name}.{finish}()` in a `finally`, or use it in `with ... as {name}:`"
            )
        self.report(node, message, related=related)

    # -- handed to an object that ends it only on some exits

    def _ended_only_on_some_exits(
        self, node: cst.Call, function: cst.FunctionDef, parent: Optional[cst.CSTNode], names: list[str], label: str
    ) -> bool:
        """Report (and return True) a span whose only owner is an attribute (`self._span =
        span`, or a class of this module built with it) and whose every `end()`/`finish()` in
        this module runs only on some exits: in the `StopIteration` branch of a stream, or
        after code that can raise, outside a `finally` (openlit#1454, sentry-python#3723)."""
        attributes = self._handoff_attributes(node, function, parent, names)
        if not attributes:
            return False
        sites = [site for attribute, _owner, cls in attributes for site in self._end_sites(attribute, cls)]
        if not sites or not all(self._conditional(*site) for site in sites):
            return False
        owner = attributes[0][1]
        first_site = sites[0][1]
        finish = "finish" if self.model.resolve(node.func) in sem.SENTRY_SPAN_STARTS else "end"
        subject = f"span `{names[0]}`" if names else "the span"
        self.report(
            node,
            f"{subject} from {label} is kept on {owner} and ended only on some exits (after code "
            f"that can raise, or when a stream is exhausted): an error, an early `break` or `close()` leaves it "
            f"open, so it is never exported; `{finish}()` it in a `finally`, or in `close()`/`__exit__`",
            related=[(first_site, "the only place it is ended")],
        )
        return True

    def _handoff_attributes(
        self, node: cst.Call, function: cst.FunctionDef, parent: Optional[cst.CSTNode], names: list[str]
    ) -> list[tuple[str, str, Optional[cst.ClassDef]]]:
        """(attribute name, owner text, the class whose methods own it) of every place the span is handed to, when all of them
        are attributes (directly, or through a constructor of a class of this module)."""
        found: list[tuple[str, str, Optional[cst.ClassDef]]] = []

        def stored(statement: Optional[cst.CSTNode], value: cst.CSTNode) -> bool:
            if isinstance(statement, (cst.Assign, cst.AnnAssign)) and statement.value is value:
                targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
                attributes = [t for t in targets if isinstance(t, cst.Attribute)]
                if attributes and len(attributes) == len(targets):
                    own_class = self._own_class() if all(source(a.value) == "self" for a in attributes) else None
                    found.extend((a.attr.value, f"`{source(a)}`", own_class) for a in attributes)
                    return True
            return False

        if stored(parent, node):
            return found
        passed = False
        for name in names:
            for use in ownership.uses(function, name):
                if not ownership.is_handling(use, sem.SPAN_RELEASE_METHODS):
                    continue
                if stored(use.parent, use.node):
                    continue
                if isinstance(use.parent, cst.Arg) and isinstance(use.grandparent, cst.Call):
                    attribute = self._constructor_attribute(use.grandparent, use.parent)
                    if attribute is not None:
                        found.append(attribute)
                    else:
                        passed = True  # read by a helper, or handed to it: decided below
                    continue
                return []  # ended here, returned, kept in a container: another owner
        # passed to a call as well: the attribute is its owner only if the module ends it there
        return found if found or not passed else []

    def _own_class(self) -> Optional[cst.ClassDef]:
        function = self.model.function
        cls = function.enclosing_class if function is not None else None
        return cls.node if cls is not None and isinstance(cls.node, cst.ClassDef) else None

    def _constructor_attribute(self, call: cst.Call, arg: cst.Arg) -> Optional[tuple[str, str, Optional[cst.ClassDef]]]:
        """`Stream(wrapped, span)` with `class Stream` in this module whose `__init__` stores
        that parameter in `self.<attribute>`."""
        if not isinstance(call.func, cst.Name):
            return None
        binding = self.model.lookup(call.func.value)
        cls = binding.node if binding is not None else None
        if not isinstance(cls, cst.ClassDef):
            return None
        init = next((s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)
        if init is None:
            return None
        params = [p.name.value for p in init.params.params][1:]
        if arg.keyword is not None:
            param = arg.keyword.value
        else:
            index = [a for a in call.args if a.keyword is None].index(arg)
            if index >= len(params) or any(a.star for a in call.args):
                return None
            param = params[index]
        for statement in own_descendants(init.body):
            if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Name) and statement.value.value == param:
                for target in statement.targets:
                    if isinstance(target.target, cst.Attribute) and source(target.target.value) == "self":
                        return target.target.attr.value, f"`self.{target.target.attr.value}` of `{cls.name.value}`", cls
        return None

    def _end_sites(
        self, attribute: str, cls: Optional[cst.ClassDef]
    ) -> list[tuple[cst.FunctionDef, cst.CSTNode, tuple[cst.CSTNode, ...], str]]:
        """(function, the ending node, its ancestors in the function, the alias) for each
        place that ends the span kept in `<x>.<attribute>`: the methods of `cls`, or any
        function of this module when the owner is not a class of it."""
        sites = []
        region = cls if cls is not None else self.model.module_scope.node
        for function in (n for n in iter_descendants(region) if isinstance(n, cst.FunctionDef)):
            aliases = {f"self.{attribute}"}
            for current, ancestors in own_nodes_with_ancestors(function.body):
                if isinstance(current, cst.Assign) and len(current.targets) == 1:
                    target = current.targets[0].target
                    if isinstance(target, cst.Name) and _reads_attribute(current.value, attribute):
                        aliases.add(target.value)
                if isinstance(current, cst.Call) and isinstance(current.func, cst.Attribute):
                    if current.func.attr.value in sem.SPAN_RELEASE_METHODS and _is_alias(current.func.value, aliases, attribute):
                        sites.append((function, current, ancestors, source(current.func.value)))
                elif isinstance(current, cst.WithItem) and _is_alias(current.item, aliases, attribute):
                    sites.append((function, current, ancestors, source(current.item)))
        return sites

    def _conditional(self, function: cst.FunctionDef, site: cst.CSTNode, ancestors, alias: str) -> bool:
        """The end runs only on some exits of its function."""
        if function.name.value in sem.FINALISERS:
            return False
        if any(isinstance(a, cst.Finally) for a in ancestors):
            return False
        if any(isinstance(a, (cst.ExceptHandler, cst.ExceptStarHandler)) for a in ancestors):
            return True  # an error branch, or the exhaustion branch of a stream
        for current, inner in own_nodes_with_ancestors(function.body):
            if current is site:
                return False
            if not isinstance(current, cst.Call) or not self._may_raise(current, alias):
                continue
            # the arguments of the span's own methods (`span.set_status(Status(OK))`) are its business
            if any(
                isinstance(a, cst.Call) and isinstance(a.func, cst.Attribute) and source(a.func.value) == alias
                for a in inner
            ):
                continue
            return True
        return False

    def _may_raise(self, call: cst.Call, alias: str) -> bool:
        """Not the span's own business: its methods, helpers given the span
        (`update_span(span, result)`), logging, a few builtins."""
        if any(source(arg.value) == alias for arg in call.args):
            return False
        func = call.func
        if isinstance(func, cst.Attribute):
            receiver = source(func.value)
            if receiver == alias or receiver.split(".")[0] in ("logger", "log", "logging", "_logger", "LOGGER"):
                return False
        name = attribute_name(func)
        return name not in sem.HARMLESS_CALLS

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
        asserted = {
            id(n)
            for statement in own_descendants(function.body)
            if isinstance(statement, cst.Assert)
            for n in iter_descendants(statement)
        }
        for use in ownership.uses(function, name):
            if id(use.node) in asserted:
                return True, None  # the object under test (`assert span == mock_span`)
            call = use.grandparent
            if isinstance(use.parent, cst.Arg) and isinstance(call, cst.Call) and self._leaves_open(call, use.parent):
                open_use_span = call
                # `with use_span(span) as current:` yields the same span under another name
                alias = _with_alias(function, call)
                if alias is not None and alias not in seen and alias != name:
                    if self._span_fate(function, alias, seen | {name})[0]:
                        return True, None
                continue
            # `span.__enter__()` returns the span itself, to whoever keeps the result
            if ownership.is_handling(use, sem.SPAN_RELEASE_METHODS, (sem.SPAN_MANUAL_ENTER,)):
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
