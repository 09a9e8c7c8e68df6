"""Helpers shared by the CTX2 rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from ctxlint.analysis.contextcopy import (
    runs_in_copied_context,
)
from ctxlint.analysis.contextflow import (
    REQUEST,
    STARTUP,
    HopScope,
    because,
    caller_supplied,
    carriers_note,
    file_of,
    hands_over_context,
    hop_function,
    hop_scope,
    hop_work,
    path_places,
    uncovered,
)
from ctxlint.analysis.model import SemanticModel
from ctxlint.analysis.syntax import (
    positional,
    source,
)
from ctxlint.rules.base import Rule
from ctxlint.semantics import concurrency as sem
from ctxlint.semantics import context_readers as readers


# The Known limits CTX201-CTX203 share: how the work handed to a hop is judged.
HOW_THE_WORK_IS_JUDGED = """
    How the work is judged (SPEC §3 "Context need", "Hop scope"): the project pass follows
    the callable's calls through the project (`ctxlint check --verbose` shows the facts).
    It *needs* the context when it, or a project function it calls, reads a ContextVar,
    the current span or context, Sentry's scope or a tracing library's stack, calls a
    traced function or an instrumented client, uses an object whose SQLAlchemy listener
    reads the context, or logs through logging the project makes context-aware (tables in
    `ctxlint/semantics/context_readers.py`; tenacity's retry-logging hooks count). A project
    decorator's wrapper is part of the function it decorates, `next(gen)` on a parameter
    runs the caller's generator, `submit(asyncio.run, fetch(...))` runs `fetch`'s body, and
    a call through a table of project callables (`PARSERS[kind].chunk(...)`) may run any
    of its entries. Such work is reported unless the hop is
    start-up code (module level, `main()` and what it calls, `if __name__ == "__main__":`,
    a `typer`/`click` command, an `atexit` or signal handler, start-up hooks,
    `__init__`/`start`, a test, a service thread) or a library's callback
    for its own events (a Prometheus collector's `collect`, a mitmproxy hook). The caller's
    own callable (also the decorator's `func` a wrapper's thread target calls) is judged by
    what the project hands over where the function is called or decorated (nothing found:
    reported). Work that calls a callable of unknown origin is reported
    only where a request's context exists: in or reached from a request or message
    handler (an ASGI application included), or reached from code that sets a ContextVar.
    Work that needs nothing (computation, files, locks, third-party calls) is never
    reported, nor is Flask's context where the work pushes its own
    (`with app.app_context():`). A project ContextVar is lost only where it can hold a
    value: in the code that runs after one of its `set`s until it is undone (the setter,
    what it calls, and the callers it leaves the value to, a generator's consumer while it
    is suspended; `analysis/project/variables.py`). Where that is not known (a set at import, in
    `main()` or a sync handler, or with callers out of sight), it may hold anywhere.

    A method the work calls on an object of unknown type (`self.store.add_watch(...)`) is
    followed when its name is compound (`add_watch`, not `save`), no everyday
    standard-library type has it, and the project defines it in one class and its
    subclasses only (an abstract method and its implementation).

    Not seen: needs behind dynamic dispatch (a table built at run time, a generator
    iterated with `for` in the worker; other methods of objects of unknown type, and those
    only the work's callees call); whether the code
    that calls a per-call hop has any context (dead code is reported like request code). A
    hop that hands the context over explicitly (an argument read from
    `context.get_current()`, `get_current_span()`, Sentry's scopes, a `propagate.inject`
    carrier) is trusted. Sentry's ThreadingIntegration (a project calling `sentry_sdk.init`
    with its default integrations) carries Sentry's scope into `Thread` and
    `ThreadPoolExecutor.submit`, `ThreadingInstrumentor` the OpenTelemetry context: work
    that needs only what they carry is not reported. A pool made with
    `initializer=..., initargs=(copy_context(),)` starts its workers in a copied context;
    a pool handed to code (a parameter, `self.<attribute>`) is trusted when every pool its
    module makes is one of those. An instrumentation set up in one distribution of a
    monorepo (a directory with its own `pyproject.toml` or `setup.py`) traces that
    distribution's calls only. A service (it registers handlers or
    defines a class-based view) that keeps no context at all (no ContextVar, tracing,
    Sentry or context-aware logging) is told nothing about callables of unknown origin.

    Precision (`benchmarks/precision/ctx2.md`): on the 31 library distributions every
    finding is a true positive; on twenty-six real services CTX201 has 9 of 10, CTX202 22
    of 23 and CTX203 5 of 5, so all three are default. CTX201's other finding is debatable:
    an optional thread only start-up code switches on (outside integration tests).
"""

class ContextCarryingRule(Rule):
    """Shared by the thread and executor rules: whether a hop loses context that matters
    (the work's need against the hop's scope), and the fix nodes."""

    uses_context_flow = True

    def judge(self, hop: cst.Call, work_node: cst.BaseExpression, kind: str, service: bool = False) -> Optional[Verdict]:
        """Why handing `work_node` to the hop `hop` (a `kind` of hop: "Thread", "submit",
        ...) loses context that matters, or None when it does not (SPEC §3, the
        reporting condition of CTX201-CTX203)."""
        context = self.context
        if hands_over_context(hop, self.model) is not None:
            return None
        work = hop_work(self._coroutine_run(hop, work_node) or work_node, context)
        contextless = context.facts.contextless_service
        if work.caller_parameter is not None:
            reason = None if contextless else caller_supplied(work, kind, context)
            return Verdict(reason) if reason is not None else None
        scope = hop_scope(context)
        if service and scope.kind != REQUEST:
            scope = HopScope(STARTUP, "a service thread")
        if scope.kind == STARTUP:
            return None
        parts = uncovered(work.need, kind, context.facts, hop_function(context))
        for part in readers.PARTS:
            if part in parts:
                reason = because(parts[part], work.label) + carriers_note(work.need, kind, context.facts)
                return Verdict(reason, path_places(parts[part], context.facts.flow))
        if work.need.unknown is not None and not contextless and scope.kind == REQUEST:
            # a callable of unknown origin matters only where a request's context exists
            where = scope.reason if scope.reason.startswith(("reached", "inside")) else f"in {scope.reason}"
            reason = because(work.need.unknown, work.label) + f", and the hop runs for a request ({where})"
            return Verdict(reason, path_places(work.need.unknown, context.facts.flow))
        return None

    def _coroutine_run(self, hop: cst.Call, work_node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """`submit(asyncio.run, self.fetch(...))`: the coroutine function whose body the
        runner runs in the worker."""
        if self.model.resolve(work_node) not in readers.RUNNERS:
            return None
        arguments = list(hop.args)
        for index, arg in enumerate(arguments[:-1]):
            if arg.value is work_node:
                following = arguments[index + 1]
                if following.keyword is None and not following.star and isinstance(following.value, cst.Call):
                    return following.value.func
        return None

    def copy_context_run(self) -> tuple[cst.BaseExpression, tuple[str, ...]]:
        name, imports = self.module_reference("contextvars")
        return cst.parse_expression(f"{name}.copy_context().run"), imports

    def remedy_note(self) -> str:
        """What a message adds to its remedy: the project's own context carriers, and that
        Sentry's scopes must be forked in a project that uses Sentry."""
        facts = self.context.facts
        notes = []
        carriers = [f"`{name}`" for name in sorted(facts.context_wrappers) if name not in sem.HOP_METHODS]
        for entry in facts.flow.copying_classes():
            name, _, where = entry.partition(" (")
            carriers.append(f"`{name}` ({file_of(where.rstrip(')'))})")
        carriers += [f"`{name}`" for name in self.context.settings.context_executors]
        if carriers:
            notes.append(f"or use the project's {', '.join(carriers[:3])}")
        if facts.sentry is not None:
            notes.append(f"and fork Sentry's scopes in the worker (the fix adds `{SENTRY_HELPER}`)")
        return "".join(f"; {note}" for note in notes)

    def context_runner(self) -> ContextRunner:
        """What a fix puts before the work so that it runs in a copy of the caller's
        context. In a project that uses Sentry a copy alone would share the caller's Sentry
        scopes with the worker (its spans would become the caller's current span), so the
        work also runs through a helper that forks them (verified with sentry-sdk 2.76)."""
        run, imports = self.copy_context_run()
        if self.context.facts.sentry is None:
            return ContextRunner((run,), imports, ())
        sentry, sentry_imports = self.module_reference("sentry_sdk")
        helper = cst.Name(SENTRY_HELPER)
        return ContextRunner((run, helper), imports + sentry_imports, (sentry_helper_source(sentry),))

    def covered(self, callable_node: cst.CSTNode) -> bool:
        return runs_in_copied_context(callable_node, self.model, self.context.facts)


@dataclass(frozen=True)
class Verdict:
    """Why a hop loses context that matters, and the call path to what the work needs."""

    reason: str
    related: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "related", tuple(self.related))


@dataclass(frozen=True)
class ContextRunner:
    """Callables a fix puts before the work (`copy_context().run`, the Sentry helper), the
    imports they need and the helper functions to add to the module."""

    callables: tuple[cst.BaseExpression, ...]
    imports: tuple[str, ...]
    helpers: tuple[str, ...]


SENTRY_HELPER = "_run_in_forked_sentry_scopes"


def sentry_helper_source(sentry: str) -> str:
    return (
        f"def {SENTRY_HELPER}(function, /, *args, **kwargs):\n"
        f"    # Added by ctxlint: a copied context shares the caller's Sentry scopes; forking\n"
        f"    # them keeps the worker's spans and tags its own.\n"
        f"    with {sentry}.isolation_scope(), {sentry}.new_scope():\n"
        f"        return function(*args, **kwargs)\n"
    )



def own_loops(function: cst.FunctionDef) -> list[cst.While]:
    """The `while` loops of the function's own body (nested functions and classes excluded)."""
    from ctxlint.analysis.walker import children

    loops, stack = [], list(children(function.body))
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.While):
            loops.append(node)
        stack.extend(children(node))
    return loops

def is_service_loop(loop: cst.While, function: cst.FunctionDef) -> bool:
    """A loop that runs until the process or its owner says stop, serving whatever comes:
    `while True:` with no `break`, or a stop flag: `while self._running:`,
    `while not stop_event.is_set():`, `while not stop():`, `running = True; while running:`.
    A retry loop (`while True: ... break`) or a bounded one (`while attempts < 3:`) is not.
    """
    test = loop.test
    if truthy_constant(test):
        return not breaks(loop)
    return is_stop_flag(test, function)

def is_stop_flag(test: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return is_stop_flag(test.left, function) or is_stop_flag(test.right, function)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Attribute):
        return True  # `self._running`, `state.proceed`
    if isinstance(test, cst.Call):
        func = test.func
        if isinstance(func, cst.Attribute):
            # `while not done.wait(60):` on an event the caller passed in lives as long as
            # the caller's call: a per-call worker, not a service
            return func.attr.value in ("is_set", "wait", "is_alive") and not _is_parameter(func.value, function)
        return isinstance(func, cst.Name) and not test.args  # `stop()`
    if isinstance(test, cst.Name):
        return assigned_bool(test.value, function)
    return False

def _is_parameter(node: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    params = function.params
    names = {param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)}
    return isinstance(node, cst.Name) and node.value in names


def truthy_constant(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Name) and test.value == "True") or (
        isinstance(test, cst.Integer) and test.evaluated_value != 0
    )

def breaks(loop: cst.While) -> bool:
    """A `break` that leaves this loop (not one of a nested loop)."""
    from ctxlint.analysis.walker import children

    stack = list(children(loop.body))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Break):
            return True
        if isinstance(node, (cst.While, cst.For, cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(children(node))
    return False

def assigned_bool(name: str, function: cst.FunctionDef) -> bool:
    """`name = True` (or False) somewhere in the function: a flag."""
    from ctxlint.analysis.walker import iter_descendants

    return any(
        isinstance(node, cst.Assign)
        and isinstance(node.value, cst.Name)
        and node.value.value in ("True", "False")
        and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)
        for node in iter_descendants(function)
    )

def callable_label(node: cst.BaseExpression, model: SemanticModel) -> str:
    """How a message names the callable: `partial(f, ...)` for a partial, else its code."""
    if isinstance(node, cst.Call) and model.resolve(node.func) == sem.PARTIAL:
        first = positional(node, 0)
        if first is not None:
            return f"{source(node.func)}({source(first.value)}, ...)"
    return source(node)
