"""A hop's work and scope: what the callable handed to a thread, pool or process needs
from the context, and where the hand-off happens (SPEC §3 "Context need", "Hop scope").

The work is resolved to a project function through the file's bindings and the project's
call graph (`analysis/project/summaries.py`), whose summary says what it needs and why. A
lambda is judged by what its body calls. The scope is *request* inside an entry point,
*startup* at module level, in `main()`, in start-up hooks, in `__init__`/`start` of a
long-lived object and in a test (unless an autouse fixture sets context around it), and
*per-call* anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Optional

import libcst as cst

from ctxlint.analysis.entrypoints import parent_context_reason
from ctxlint.analysis.model import Binding, Scope, SemanticModel
from ctxlint.analysis.project.callgraph import MAIN_BLOCK, OWN_PARAMETER
from ctxlint.analysis.project.summaries import (
    FREE,
    ModuleGraph,
    Need,
    Use,
    display,
    instrumented_client,
)
from ctxlint.analysis.syntax import keyword, positional, source
from ctxlint.analysis.walker import iter_descendants
from ctxlint.findings import Place
from ctxlint.semantics import concurrency as sem
from ctxlint.semantics import context_readers as readers
from ctxlint.semantics import entrypoints as entrypoint_table

if TYPE_CHECKING:
    from ctxlint.analysis.project import ProjectFacts
    from ctxlint.rules.base import FileContext

# The hop of a `threading.Thread` subclass: its own `run()` in the thread `start()` begins.
SUBCLASS_RUN = "Thread subclass"

REQUEST = "request"
PER_CALL = "per-call"
STARTUP = "startup"


@dataclass
class Work:
    label: str  # how a message names the work: `render`, `Worker.run`, `lambda`
    need: Need
    caller_parameter: Optional[str] = None  # the work is this parameter: the caller's callable
    caller_function: Optional[str] = None  # the function whose parameter it is


@dataclass
class HopScope:
    kind: str  # REQUEST | PER_CALL | STARTUP
    reason: str  # "Flask route handler `index`", "module level", "`__init__`"


# ---------------------------------------------------------------------- the work


def hop_work(node: cst.BaseExpression, context: "FileContext") -> Work:
    """What the callable `node` handed to a hop needs from the context."""
    return _Resolver(context).work(node)


class _Resolver:
    def __init__(self, context: "FileContext") -> None:
        self.model: SemanticModel = context.model
        self.facts: "ProjectFacts" = context.facts
        self.flow = context.facts.flow
        self.module: ModuleGraph = self.flow.module(context.relative_path)

    def work(self, node: cst.BaseExpression, depth: int = 0) -> Work:
        if isinstance(node, cst.Name) and depth < 3:
            # `call = functools.partial(func, ...)`, `job = lambda: ...`: the bound value
            found = _lookup(self.model, node.value)
            value = found[0].node if found is not None else None
            if isinstance(value, (cst.Call, cst.Lambda)) and (
                isinstance(value, cst.Lambda) or self.model.resolve(value.func) == sem.PARTIAL
            ):
                return self.work(value, depth + 1)
        if isinstance(node, cst.Call) and self.model.resolve(node.func) == sem.PARTIAL and depth < 3:
            first = positional(node, 0)
            if first is not None:
                inner = self.work(first.value, depth + 1)
                return Work(f"partial({inner.label}, ...)", inner.need, inner.caller_parameter, inner.caller_function)
        if isinstance(node, cst.Lambda):
            return self._lambda(node)
        reference, parameter = self.reference(node)
        label = source(node)
        if parameter is not None:
            found = _lookup(self.model, parameter)
            owner_id = f"{self.module.name}.{scope_qualname(found[1])}" if found is not None else None
            use = Use(f"is {reference[2:]}, a callable of unknown origin", (), "")
            return Work(label, Need(unknown=use), parameter, owner_id)
        if reference is None:
            owner = self._parameter_owner(node)
            if owner is not None:
                use = Use(f"is a method of `{owner}`, the caller's object of unknown type", (), "")
                return Work(label, Need(unknown=use))
            return Work(label, FREE)
        if reference.startswith("U:"):
            use = Use(f"is {reference[2:]}, a callable of unknown origin", (), "")
            return Work(label, Need(unknown=use), parameter)
        closure = self._runs_enclosing_parameter(reference)
        if closure is not None:
            # a function defined here that runs a parameter of this function: the caller's
            owner_id, name = closure
            use = Use(f"runs the parameter `{name}`, a callable of unknown origin", (), "")
            return Work(label, Need(unknown=use), name, owner_id)
        return Work(label, self.need_of(reference, label))

    def _runs_enclosing_parameter(self, reference: str) -> Optional[tuple[str, str]]:
        """(function id, parameter) when the work is a function nested in the one handing it
        over that calls a parameter of that function, or of one it is nested in (a
        decorator's `func`, called by the thread target its wrapper defines)."""
        function = self.model.def_function
        if function is None or not reference.startswith("L:"):
            return None
        outer = scope_qualname(function)
        target = self.flow.function(reference, self.module)
        located = self.flow.resolver.locate(target) if target is not None else None
        if located is None or not located[1].startswith(outer + "."):
            return None
        for call, _line in located[0].graph["functions"][located[1]]["calls"]:
            if call.startswith("O:"):
                owner, _, name = call[2:].rpartition(":")
                if outer == owner or outer.startswith(owner + "."):
                    return f"{self.module.name}.{owner}", name
        return None

    def need_of(self, reference: str, label: str) -> Need:
        cls = self._class_qualname()
        if reference.startswith("S:") and cls is not None:
            name = reference[2:]
            if self.flow.function(reference, self.module, cls) is None:
                if self.flow.callable_attribute(self.module, cls, name):
                    return Need(unknown=Use("is a callable the object was given", (), ""))
                return FREE
        function = self.flow.function(reference, self.module, cls)
        if function is not None:
            return self.flow.need(function)
        if reference.startswith("P:"):
            path = reference[2:]
            found = readers.reading_call(path)
            if found is not None:
                return Need(parts={found[0]: Use(f"reads {found[1]}", (), "")})
            client = instrumented_client(path, self._instrumented)
            if client is not None:
                return Need(parts={readers.OTEL: Use(client, (), "")})
        return FREE

    def _parameter_owner(self, node: cst.CSTNode) -> Optional[str]:
        """`instance.run`: a method of a parameter of the function that hands the work over
        (the caller's object runs its own code in the worker)."""
        if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)):
            return None
        name = node.value.value
        found = _lookup(self.model, name)
        own = self.model.function
        if found is None or name in ("self", "cls") or own is None or found[1] is not own:
            return None
        binding = found[0]
        return name if isinstance(binding.node, cst.Param) and binding.path is None else None

    def _instrumented(self, library: str) -> Optional[str]:
        record = self.facts.instrumentation(library)
        return None if record is None else record.describe()

    def _lambda(self, node: cst.Lambda) -> Work:
        """A lambda runs what its body calls: their needs together."""
        parameters = {param.name.value for param in _parameters(node.params)}
        need = Need()
        caller = owner_id = None
        for call in (n for n in (node.body, *iter_descendants(node.body)) if isinstance(n, cst.Call)):
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value == "run" and call.args:
                func = call.args[0].value  # `ctx.run(work, ...)`, `copy_context().run(work)`: `work` runs
            if isinstance(func, cst.Name) and func.value in parameters:
                continue  # a lambda's own parameter: whatever the hop passes in
            reference, parameter = self.reference(func)
            closure = self._runs_enclosing_parameter(reference) if reference is not None else None
            if closure is not None and caller is None:
                # `lambda: asyncio.run(_await())`, `_await` awaiting this function's parameter
                owner_id, parameter = closure
            caller = caller or parameter
            owner = self._parameter_owner(func) if reference is None else None
            direct = self._direct(call)
            if direct.parts:
                inner = direct
            elif owner is not None:
                use = Use(f"calls a method of `{owner}`, the caller's object of unknown type", (), "")
                inner = Need(unknown=use)
            elif reference is None:
                inner = self._direct(call)
            elif reference.startswith("U:"):
                inner = Need(unknown=Use(f"calls {reference[2:]}, a callable of unknown origin", (), ""))
            else:
                inner = self.need_of(reference, source(func))
                if inner.parts or inner.unknown:
                    inner = _prefixed(inner, source(func))
            need = _merged(need, inner)
        return Work("lambda", need, caller, owner_id)

    def _direct(self, call: cst.Call) -> Need:
        """A call in a lambda that reads the context itself (`var.get()`, `get_current_span()`)."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get" and isinstance(func.value, cst.Name):
            binding = self.model.lookup(func.value.value)
            value = binding.node if binding is not None else None
            if isinstance(value, cst.Call) and self.model.resolve(value.func) == readers.CONTEXT_VAR_CLASS:
                return Need(parts={readers.CONTEXTVARS: Use(f"reads ContextVar `{func.value.value}`", (), "")})
        return FREE

    # -------------------------------------------------------------- references

    def reference(self, node: cst.BaseExpression, depth: int = 0) -> tuple[Optional[str], Optional[str]]:
        """The call-graph reference (`callgraph.py`) of a callable expression, and the name
        of the enclosing function's parameter it is, if it is one."""
        if depth > 4:
            return None, None
        if isinstance(node, cst.Name):
            found = _lookup(self.model, node.value)
            if found is None:
                return None, None
            binding, scope = found
            if isinstance(binding.node, cst.Param) and binding.path is not None:
                return f"P:{binding.path}", None  # annotated: `cancelled: threading.Event`
            if isinstance(binding.node, cst.Param):
                # the enclosing function's parameter, or an outer one's (a decorator's `func`,
                # a factory's argument): either way the caller's callable
                if node.value in ("self", "cls") or scope.kind not in ("function", "lambda"):
                    return None, None
                return f"{OWN_PARAMETER}`{node.value}`", node.value
            if isinstance(binding.node, (cst.FunctionDef, cst.ClassDef)):
                return f"L:{_qualname(scope, node.value)}", None
            if binding.path is not None:
                return f"P:{binding.path}", None
            if isinstance(binding.node, cst.BaseExpression) and not isinstance(binding.node, (cst.Name, cst.Subscript)):
                return self.reference(binding.node, depth + 1)
            return None, None  # a local of unknown origin (a loop variable, an element)
        if isinstance(node, cst.Attribute):
            if isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
                binding = self.model.self_attribute_binding(node)
                if binding is not None and binding.path is not None and "." in binding.path:
                    return f"P:{binding.path}", None  # `self.client = OpenAI()`
                return f"S:{node.attr.value}", None
            base, parameter = self.reference(node.value, depth + 1)
            if base is None or base.startswith(("U:", "S:")):
                return None, None  # a method of an object of unknown type
            return f"{base}.{node.attr.value}", None
        if isinstance(node, cst.Call):
            base, _ = self.reference(node.func, depth + 1)
            if base is not None and base[:2] in ("L:", "P:"):
                return f"{base}()", None
        return None, None  # a call's result, an element of a table: dispatch out of sight

    def _class_qualname(self) -> Optional[str]:
        """The class whose `self` the code sees: its method's, or that of the method it is
        nested in."""
        function = self.model.def_function
        while function is not None and function.kind == "function":
            if function.enclosing_class is not None:
                return scope_qualname(function.enclosing_class)
            function = function.parent
        return None


def _lookup(model: SemanticModel, name: str) -> Optional[tuple[Binding, Scope]]:
    """Like `model.lookup`, with the scope the name was found in."""
    scope: Optional[Scope] = model.scope
    first = True
    while scope is not None:
        if scope.kind != "class" or first:
            binding = scope.bindings.get(name)
            if binding is not None:
                return binding, scope
        first = False
        scope = scope.parent
    return _defined_below(model, name)


def _defined_below(model: SemanticModel, name: str) -> Optional[tuple[Binding, Scope]]:
    """A module-level function or class defined after the code that names it: bound when
    that code runs, though the model has not reached its definition yet."""
    module = model.module_scope
    for statement in getattr(module.node, "body", ()):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.name.value == name:
            return Binding(None, statement), module
    return None


def scope_qualname(scope: Scope) -> str:
    """The scope's name in the call graph (`Class.method.inner`, `<main>.start`)."""
    names = []
    outermost: Optional[Scope] = None
    current: Optional[Scope] = scope
    while current is not None and current.kind != "module":
        if current.kind in ("function", "class"):
            names.append(current.name)
            outermost = current
        current = current.parent
    if outermost is not None and current is not None and id(outermost.node) in current.memo.get("main_block_definitions", ()):
        names.append(MAIN_BLOCK)
    return ".".join(reversed(names))


def _qualname(scope: Scope, name: str) -> str:
    outer = scope_qualname(scope)
    return f"{outer}.{name}" if outer else name


def _parameters(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from (*params.posonly_params, *params.params, *params.kwonly_params)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            yield star


def _merged(first: Need, second: Need) -> Need:
    parts = dict(first.parts)
    for part, use in second.parts.items():
        parts.setdefault(part, use)
    return Need(parts, first.unknown or second.unknown)


def _prefixed(need: Need, label: str) -> Need:
    """A need reached through `label` (for the path a message shows)."""
    def through(use: Optional[Use]) -> Optional[Use]:
        if use is None or use.path:
            return use  # the path starts at the project function the lambda calls
        return Use(use.what, (f"<{label}>",), use.where)

    return Need({part: through(use) for part, use in need.parts.items()}, through(need.unknown))


def copying_executor(node: cst.BaseExpression, context: "FileContext") -> Optional[str]:
    """The name of the project's context-propagating executor or thread class `node` is an
    instance of: configured in `context-executors`, or found by the project pass (one of
    its methods calls `copy_context()`)."""
    resolver = _Resolver(context)
    reference, _ = resolver.reference(node)
    if reference is None or not reference.endswith("()") or reference[:2] not in ("L:", "P:"):
        return None
    name = reference[2:-2]
    configured = context.settings.context_executors
    if any(name == entry or name.endswith("." + entry) or entry.endswith("." + name) for entry in configured):
        return name
    return name if resolver.flow.copies_context(reference, resolver.module) else None


def one_of_the_modules_copying_pools(node: cst.BaseExpression, context: "FileContext") -> bool:
    """A pool the code is handed (a parameter, `self.<attribute>`) in a module whose every
    `ThreadPoolExecutor(...)` starts its workers in a copied context through its initializer
    (`initializer=set_context, initargs=(copy_context(),)`): it is one of those pools."""
    model = context.model
    if isinstance(node, cst.Name):
        binding = model.lookup(node.value)
        if binding is None or not isinstance(binding.node, cst.Param):
            return False
    elif not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self"):
        return False
    pools = context.facts.flow.module(context.relative_path).graph.get("pools", ())
    return bool(pools) and all(pools)


def caller_supplied(work: Work, hop: str, context: "FileContext") -> Optional[str]:
    """Why running the caller's callable `work` loses context that matters, judged by what
    the project's own callers hand over: nothing known (a library API, an expression out of
    sight) is your caller's callable; a callable that needs the context says so; callables
    that need nothing, or already run in a copied context, lose nothing. A test helper that
    no code of the service names (a fixture no test uses) has no caller to lose it for."""
    if entrypoint_table.is_test_path(context.relative_path) and hop_function(context) in context.facts.flow.uncalled:
        return None
    return handed_over(work.caller_function, work.caller_parameter, f"`{work.caller_parameter}`", hop, context)


def handed_over(function: Optional[str], parameter: str, label: str, hop: str, context: "FileContext") -> Optional[str]:
    """What the project hands `function` as its callable `parameter` (see `caller_supplied`);
    `label` names it in the message."""
    yours = f"{label} is your caller's callable, so whatever context it needs (a request id, the current span) is lost"
    flow = context.facts.flow
    arguments = flow.arguments_for(function, parameter) if function else []
    if not arguments:
        return yours
    for module, cls, argument, where in arguments:
        if argument is None or argument.startswith("U:"):
            return yours + f" (it is handed on in {file_of(where)})"
        if argument.startswith(("C:", "F:")):
            continue  # runs in a copied context; a third-party method that needs nothing
        references = argument[2:].split(";") if argument.startswith("Λ:") else [argument]
        for reference in filter(None, references):
            if reference.startswith("U:"):
                return yours + f" (it is handed on in {file_of(where)})"
            function = flow.function(reference, module, cls)
            if function is not None and flow.is_coroutine_function(function):
                continue  # the decorator's other branch awaits it; no worker runs it
            need = flow.need(function) if function is not None else _external_need(reference, context)
            parts = uncovered(need, hop, context.facts)
            name = display(function) if function is not None else reference[2:]
            for part in readers.PARTS:
                if part in parts:
                    return f"{label} is `{name}` in {file_of(where)}, and " + because(parts[part], name)
    return None


def _external_need(reference: str, context: "FileContext") -> Need:
    if not reference.startswith("P:"):
        return FREE
    found = readers.reading_call(reference[2:])
    return Need(parts={found[0]: Use(f"reads {found[1]}", (), "")}) if found is not None else FREE


# ---------------------------------------------------------------------- coverage


def uncovered(need: Need, hop: str, facts: "ProjectFacts", caller: Optional[str] = None) -> dict[str, Use]:
    """The parts of the context the work needs that nothing carries into the worker:
    Sentry's ThreadingIntegration carries Sentry's scope, ThreadingInstrumentor the
    OpenTelemetry context, each into the hops it patches. With `caller` (the function
    handing the work over), a project ContextVar counts only if it can hold a value there."""
    parts = dict(need.parts)
    unheld = facts.flow.unheld.get(caller or "", frozenset())
    if unheld and readers.CONTEXTVARS in parts and need.variables:
        held = [use for variable, use in need.variables.items() if variable not in unheld]
        if not held:
            del parts[readers.CONTEXTVARS]
        elif parts[readers.CONTEXTVARS] not in held:
            parts[readers.CONTEXTVARS] = held[0]
    if facts.sentry_threading and hop in readers.SENTRY_CARRIES:
        parts.pop(readers.SENTRY, None)
    if facts.instrumentation("threading") is not None and hop in readers.THREADING_INSTRUMENTOR_CARRIES:
        parts.pop(readers.OTEL, None)
    return parts


def carriers_note(need: Need, hop: str, facts: "ProjectFacts") -> str:
    """What an integration carries when it carries only part of what the work needs."""
    notes = []
    if facts.sentry_threading and hop in readers.SENTRY_CARRIES and need.parts:
        notes.append(f"Sentry's ThreadingIntegration ({file_of(facts.sentry_threading)}) carries only Sentry's scope")
    record = facts.instrumentation("threading")
    if record is not None and hop in readers.THREADING_INSTRUMENTOR_CARRIES and need.parts:
        notes.append(f"ThreadingInstrumentor ({file_of(record.where)}) carries only the OpenTelemetry context")
    return "".join(f", and {note}" for note in notes)


def because(use: Use, label: str) -> str:
    """`render` reads ContextVar `request_id` (via `render` → `format_line`). Where the use
    is goes into the finding's related locations, not its message: messages carry no line
    numbers (SPEC §3)."""
    names = [display(step) if not step.startswith("<") else step[1:-1] for step in use.path]
    path = [name for name in names if name]
    subject = f"`{label}`"
    if len(path) > 1:
        return f"{subject} {use.what} (via {' → '.join(f'`{name}`' for name in path)})"
    return f"{subject} {use.what}"


def file_of(where: str) -> str:
    """`app/fmt.py` of `app/fmt.py:12`: a message names the file, never the line."""
    path, _, line = where.rpartition(":")
    return path if path and line.isdigit() else where


def path_places(use: Use, flow) -> list[tuple[Place, str]]:
    """Related locations for a finding: each function of the call path, then the use."""
    places = []
    steps = [step for step in use.path if not step.startswith("<")]
    for step, following in zip(steps, [*steps[1:], None]):
        located = flow.resolver.locate(step)
        if located is None:
            continue
        module, qualname = located
        what = f"`{display(step)}` calls `{display(following)}`" if following else f"`{display(step)}`"
        places.append((Place(module.path, module.graph["functions"][qualname]["line"]), what))
    if use.where:
        path, _, line = use.where.rpartition(":")
        if path and line.isdigit():
            subject = f"`{display(steps[-1])}` " if steps else ""
            places.append((Place(path, int(line)), subject + use.what))
    return places


# ---------------------------------------------------------------------- the scope


def hop_function(context: "FileContext") -> Optional[str]:
    """The id of the function the current node is in (None at module level)."""
    function = context.model.def_function
    if function is None:
        return None
    return f"{context.facts.flow.module(context.relative_path).name}.{scope_qualname(function)}"


def hop_scope(context: "FileContext") -> HopScope:
    """Where the hop at the current node happens."""
    model = context.model
    reason = parent_context_reason(model, context.settings, context.path)
    if reason is not None:
        return HopScope(REQUEST, reason)
    function = model.def_function
    if function is None:
        return HopScope(STARTUP, "at module level")
    once = _once_per_process(function)
    if once is not None:
        return HopScope(STARTUP, once)
    function_id = hop_function(context)
    flow = context.facts.flow
    entry = flow.reached.get(function_id)
    if entry is not None:
        return HopScope(REQUEST, f"reached from {entry}")
    root = flow.started.get(function_id)
    if root is not None and _context_setter(function, context) is None:
        return HopScope(STARTUP, f"reached from `{root}`")
    fixture = _context_fixture(function, context)
    if fixture is not None:
        return HopScope(PER_CALL, f"test `{function.name}` runs inside the autouse fixture `{display(fixture)}`, which sets context")
    if function_id in flow.uncalled and _context_setter(function, context) is None:
        # a service's function nothing of the project calls: a framework's callback (a
        # proxy hook, a metrics collector) or dead code, run with no request of ours
        return HopScope(STARTUP, f"`{function.name}` is called by no code of the project")
    outermost = function
    while outermost.parent is not None and outermost.parent.kind in ("function", "class"):
        if outermost.parent.kind == "function":
            outermost = outermost.parent
        else:
            break
    for scope in (function, outermost):
        root = _root_reason(scope) or _foreign_callback(scope, model)
        if root is not None:
            setter = _context_setter(scope, context)
            if setter is not None:
                # a root that sets context itself before handing work over (a tenant id
                # for a migration): that context is what the work loses
                return HopScope(PER_CALL, f"`{scope.name}` sets context (`{setter}`)")
            return HopScope(STARTUP, root)
    setter = flow.set_reached.get(function_id)
    if setter is not None:
        return HopScope(REQUEST, f"reached from {setter}")
    return HopScope(PER_CALL, f"in `{function.name}`")


def _once_per_process(function: Scope) -> Optional[str]:
    """`global _started` ... `if _started: return` ... `_started = True`: the function's
    work runs once in the process, for whichever caller comes first, so it belongs to no
    caller's request (a lazily started sweep or server)."""
    memo = function.memo
    if "once" not in memo:
        flags: set[str] = set()
        tests: list[cst.If] = []
        set_true: list[str] = []
        for node in iter_descendants(function.node):
            if isinstance(node, cst.Global):
                flags.update(name.name.value for name in node.names)
            elif isinstance(node, cst.If) and isinstance(node.test, cst.Name):
                tests.append(node)
            elif isinstance(node, cst.Assign) and isinstance(node.value, cst.Name) and node.value.value == "True":
                set_true += [target.target.value for target in node.targets if isinstance(target.target, cst.Name)]
        returned = {
            test.test.value
            for test in tests
            if test.test.value in flags and any(isinstance(inner, cst.Return) for inner in iter_descendants(test.body))
        }
        flag = next((name for name in set_true if name in returned), None)
        memo["once"] = None if flag is None else f"`{function.name}` runs once per process (guarded by `{flag}`)"
    return memo["once"]


def _root_reason(scope: Scope) -> Optional[str]:
    """Why code in `scope` runs with no caller context to lose: start-up code, a start
    method of a long-lived object, a test (its caller is the test runner)."""
    name = scope.name
    if name in entrypoint_table.STARTUP_FUNCTIONS or name.startswith(entrypoint_table.STARTUP_PREFIXES):
        return f"in `{name}`"
    if any(decorator.rsplit(".", 1)[-1] in entrypoint_table.STARTUP_DECORATOR_METHODS for decorator in scope.decorators if decorator):
        return f"in start-up hook `{name}`"
    if _is_test(scope):
        return f"in test `{name}`"
    return None


def _is_test(scope: Scope) -> bool:
    """A test the runner calls: `test*` at module level or in a class."""
    return scope.name.startswith("test") and (scope.parent is None or scope.parent.kind in ("module", "class"))


def _context_fixture(scope: Scope, context: "FileContext") -> Optional[str]:
    """An autouse pytest fixture that sets context around the test `scope` (its module's,
    or a `conftest.py`'s above it), as a function id."""
    if not _is_test(scope):
        return None
    for path, fixture in sorted(context.facts.flow.context_fixtures.items()):
        if entrypoint_table.fixture_covers(path, context.relative_path):
            return fixture
    return None


def _foreign_callback(scope: Scope, model: SemanticModel) -> Optional[str]:
    """A library's callback for its own events (a Prometheus collector's `collect`, a
    mitmproxy hook): it runs where the project has set no context."""
    if scope.parent is None or scope.parent.kind not in ("class", "module"):
        return None
    for library, (names, label) in entrypoint_table.FOREIGN_CALLBACKS.items():
        if scope.name in names and model.is_imported(library):
            return f"in {label} `{scope.name}`"
    return None


def _context_setter(scope: Scope, context: "FileContext") -> Optional[str]:
    """A call in the function that sets a part of the context: a ContextVar's `set`,
    `context.attach`, structlog's `bind_contextvars`, Sentry's scope setters."""
    memo = scope.memo
    if "context_setter" in memo:
        return memo["context_setter"]
    model = context.model
    project_vars = context.facts.context_vars
    found = None
    for node in iter_descendants(scope.node):
        if not isinstance(node, cst.Call):
            continue
        func = node.func
        path = model.resolve(func) or ""
        if path in readers.WRITERS or path in readers.SETTERS:
            found = source(func)
            break
        if isinstance(func, cst.Attribute) and func.attr.value == "set" and isinstance(func.value, (cst.Name, cst.Attribute)):
            name = func.value.attr.value if isinstance(func.value, cst.Attribute) else func.value.value
            if name in project_vars:
                found = source(func)
                break
    memo["context_setter"] = found
    return found


# ---------------------------------------------------------------------- explicit carriers


def hands_over_context(call: cst.Call, model: SemanticModel) -> Optional[str]:
    """An argument of the hop that carries the context explicitly: a value read from a
    context accessor (`context.get_current()`, `get_current_span()`, `copy_context()`,
    Sentry's scopes) or a carrier filled by `propagate.inject`, in this function."""
    function = model.function
    injected = _injected_carriers(function) if function is not None else set()
    deferred = {id(n) for lam in iter_descendants(call) if isinstance(lam, cst.Lambda) for n in iter_descendants(lam)}
    for node in iter_descendants(call):
        if id(node) in deferred:
            continue  # evaluated in the worker, not at the hand-over
        if isinstance(node, cst.Call) and node is not call and model.resolve(node.func) in readers.CONTEXT_ACCESSORS:
            return source(node)
        if isinstance(node, cst.Name) and node is not call.func:
            if node.value in injected:
                return node.value
            binding = model.lookup(node.value)
            value = binding.node if binding is not None else None
            if isinstance(value, cst.Call) and model.resolve(value.func) in readers.CONTEXT_ACCESSORS:
                return node.value
    return None


def _injected_carriers(function: Scope) -> set[str]:
    memo = function.memo
    if "injected_carriers" not in memo:
        found = set()
        for node in iter_descendants(function.node):
            if isinstance(node, cst.Call):
                name = node.func.attr.value if isinstance(node.func, cst.Attribute) else (
                    node.func.value if isinstance(node.func, cst.Name) else ""
                )
                carrier = positional(node, 0) or keyword(node, "carrier")
                if name == "inject" and carrier is not None and isinstance(carrier.value, cst.Name):
                    found.add(carrier.value.value)
        memo["injected_carriers"] = found
    return memo["injected_carriers"]
