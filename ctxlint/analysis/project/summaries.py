"""What each project function needs from the context (SPEC §3 "Context need"), from the
per-file call graphs of `callgraph.py`: the calls are resolved to project functions across
modules and followed to a bounded depth.

A function *needs* the context when it, or a project function it calls, reads a
ContextVar, the current span or context, Sentry's scope, a tracing library's stack, calls
a traced function or an instrumented client, or logs through context-aware logging the
project configures. It is *unknown* when it calls a callable of unknown origin, and
*free* otherwise. The first use reached is kept, with the call path to it, so a finding
can say why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from ctxlint.analysis.project.callgraph import EMPTY_GRAPH, MAIN_BLOCK, OWN_PARAMETER
from ctxlint.semantics import boundaries as bnd
from ctxlint.semantics import context_readers as readers
from ctxlint.semantics import entrypoints as entrypoint_table
from ctxlint.semantics.builtin_methods import common_methods

MAX_DEPTH = 5  # calls followed from a hop's work (module by module: each level may read one more)
_COMPOUND = re.compile(r"[a-z0-9]_[a-z0-9]|[a-z][A-Z]")  # `add_watch`, `fetchRows`: two words or more
COPY_CONTEXT = "contextvars.copy_context"
_LOGS_THROUGH = "logs through "


@dataclass(frozen=True)
class Use:
    """One reason: what is read or called, the call path to it, and where it is."""

    what: str  # "reads ContextVar `request_id`"
    path: tuple[str, ...]  # function ids, the work first
    where: str  # "pkg/render.py:12"


@dataclass
class Need:
    """What a function needs: a use per part of the context (`context_readers` parts), and
    the first callable of unknown origin it invokes."""

    parts: dict[str, Use] = field(default_factory=dict)
    unknown: Optional[Use] = None
    unknown_parameter: Optional[str] = None  # the unknown callable is this parameter of the function
    # The ContextVars behind the contextvars part, each with its first use: a project
    # ContextVar by its id (`module:qualname`), "" for a library's (structlog's, a tracing
    # library's stack)
    variables: dict[str, Use] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "needs" if self.parts else "unknown" if self.unknown else "free"


FREE = Need()


@dataclass
class ModuleGraph:
    name: str  # dotted module name
    path: str  # relative to the project root
    graph: dict  # callgraph.extract_call_graph's result


class ModuleIndex:
    """Dotted module names of the project's files, matched by suffix: a `src/` layout or a
    project root above the package still resolves `pkg.mod` to `src/pkg/mod.py`."""

    def __init__(self, relative_paths: Iterable[str]) -> None:
        self.by_suffix: dict[str, Optional[str]] = {}
        self.path_of: dict[str, str] = {}
        for relative in relative_paths:
            name = module_name(relative)
            if not name:
                continue
            self.path_of[name] = relative
            parts = name.split(".")
            for start in range(len(parts)):
                suffix = ".".join(parts[start:])
                # ambiguous suffixes (two `utils` modules) resolve to nothing
                self.by_suffix[suffix] = name if suffix not in self.by_suffix else (
                    self.by_suffix[suffix] if self.by_suffix[suffix] == name else None
                )
        # a module's whole name is that module, whatever else ends with it: `jobs` at the
        # root is `jobs`, not also `app.jobs`
        self.by_suffix.update((name, name) for name in self.path_of)
        self._splits: dict[tuple[str, str, bool], Optional[tuple[str, str]]] = {}

    def split(self, path: str, current: str, is_package: bool) -> Optional[tuple[str, str]]:
        """(module, member) for a dotted path used in module `current`; relative paths
        (`.jobs.run`) are resolved against `current`'s package."""
        key = (path, current, is_package)
        if key not in self._splits:  # (the same paths are resolved again and again)
            self._splits[key] = self._split(path, current, is_package)
        return self._splits[key]

    def _split(self, path: str, current: str, is_package: bool) -> Optional[tuple[str, str]]:
        if path.startswith("."):
            level = len(path) - len(path.lstrip("."))
            package = current.split(".") if is_package else current.split(".")[:-1]
            if level > 1:
                package = package[: len(package) - (level - 1)]
            path = ".".join([*package, path.lstrip(".")]) if package else path.lstrip(".")
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            module = self.by_suffix.get(".".join(parts[:end]))
            if module is not None:
                return module, ".".join(parts[end:])
        return None


def module_name(relative: str) -> str:
    """`pkg/sub/mod.py` -> `pkg.sub.mod`; `pkg/__init__.py` -> `pkg`."""
    if not relative.endswith((".py", ".pyi")):
        return ""
    parts = relative.rsplit(".", 1)[0].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


class Summaries:
    """Context needs of project functions, computed on demand and memoised.

    `load(module)` returns a module's graph (parsing the file the first time), so only
    the modules the hops reach are ever read.
    """

    def __init__(
        self,
        index: ModuleIndex,
        load: Callable[[str], Optional[ModuleGraph]],
        instrumented: Callable[[str, str], Optional[str]],
    ) -> None:
        self.index = index
        self.load = load
        self.instrumented = instrumented  # (library, a module's path) -> where it is instrumented for it, or None
        self.memo: dict[str, Need] = {}
        self.logging: Optional[tuple[str, str]] = None  # (part, how) once known
        self.logging_variables: tuple[str, ...] = ("",)  # the ContextVars the project's logging reads
        self._logging_known = False
        self.loaded: Callable[[], Iterable[Optional[ModuleGraph]]] = lambda: ()
        self._sites: Optional[dict[str, list]] = None
        self._decorated: Optional[dict[str, list]] = None
        # a method name called on objects of unknown type -> the project methods such a call
        # runs (`named_methods`); set before any need is asked
        self.methods: dict[str, tuple[str, ...]] = {}
        self._subclasses: Optional[dict[str, list[tuple[ModuleGraph, str]]]] = None  # class id -> (module, class)

    # ------------------------------------------------------------------ resolution

    def function(self, reference: str, module: ModuleGraph, cls: Optional[str] = None) -> Optional[str]:
        """The id (`module.qualname`) of the project function a reference calls: a function,
        a method, or the `__init__` a class construction runs; None if not the project's."""
        kind, _, text = reference.partition(":")
        if kind == "S":
            return self._method(module, cls, text) if cls else None
        if kind == "L":
            return self._member(module, text)
        if kind == "P":
            found = self._imported(module, text)
            return self._member(*found) if found is not None and found[1] else None
        return None

    def _imported(self, module: ModuleGraph, path: str, depth: int = 0) -> Optional[tuple[ModuleGraph, str]]:
        """The project module a dotted path used in `module` names, and the member of it
        (`""` for the module itself), through the re-exports of packages on the way."""
        split = self.index.split(path, module.name, module.path.endswith("__init__.py"))
        if split is None:
            return None
        target = self.load(split[0])
        if target is None:
            return None
        head, _, rest = split[1].partition(".")
        graph = target.graph
        reexported = graph.get("imports", {}).get(head)
        if reexported is not None and depth < 3:
            return self._imported(target, reexported + (f".{rest}" if rest else ""), depth + 1)
        if head and head not in graph["functions"] and head not in graph["classes"] and depth < 3:
            for star in graph.get("star_imports", ()):
                found = self._imported(target, f"{star}.{split[1]}", depth + 1)
                top = found[1].partition(".")[0] if found is not None else ""
                if found is not None and (top in found[0].graph["functions"] or top in found[0].graph["classes"]):
                    return found  # `from .jobs import *` brought the name
        return target, split[1]

    def _member(self, module: ModuleGraph, member: str, depth: int = 0) -> Optional[str]:
        graph = module.graph
        called = member.endswith("()")  # an instance is called: its class's `__call__` runs
        member = member.replace("()", "")
        head, _, rest = member.partition(".")
        if head in graph["instances"] and depth < 3:
            return self.function(graph["instances"][head] + (f".{rest}" if rest else ""), module) if rest else None
        if member in graph["functions"]:
            return f"{module.name}.{member}"
        if member in graph["classes"]:
            return self._method(module, member, "__call__" if called else "__init__")
        if "." in member:
            owner, _, method = member.rpartition(".")
            if owner in graph["classes"]:
                return self._method(module, owner, method)
        return None

    def _method(self, module: ModuleGraph, cls: str, method: str, depth: int = 0) -> Optional[str]:
        """`cls.method` in `module`, or inherited from a project base class."""
        info = module.graph["classes"].get(cls)
        if info is None or depth > 5:
            return None
        if method in info["methods"]:
            return f"{module.name}.{cls}.{method}"
        for base in info["bases"]:
            found = self._base(module, base)
            if found is not None:
                inherited = self._method(found[0], found[1], method, depth + 1)
                if inherited is not None:
                    return inherited
        return None

    def _base(self, module: ModuleGraph, reference: str) -> Optional[tuple[ModuleGraph, str]]:
        kind, _, text = reference.partition(":")
        if kind == "L" and text in module.graph["classes"]:
            return module, text
        if kind == "P":
            found = self._imported(module, text)
            if found is not None and found[1] in found[0].graph["classes"]:
                return found
        return None

    def named_methods(self, functions: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Of the project methods `functions` (of names `is_distinctive_method` accepts),
        those a call on an object of unknown type runs, by name: the ones defined by one
        class and its subclasses only (an abstract method and its implementation). A name
        several unrelated classes define says nothing about which one is called."""
        by_name: dict[str, list[str]] = {}
        for function_id in functions:
            by_name.setdefault(function_id.rsplit(".", 1)[-1], []).append(function_id)
        return {name: tuple(sorted(ids)) for name, ids in sorted(by_name.items()) if self._one_hierarchy(ids)}

    def _one_hierarchy(self, methods: list[str]) -> bool:
        """The methods' classes are one class and classes deriving from it."""
        lineages = []
        for method in methods:
            located = self.locate(method)
            if located is None:
                return False
            cls = located[1].rsplit(".", 1)[0]
            ancestors = {f"{owner.name}.{name}" for owner, name in self._ancestors(located[0], cls)}
            lineages.append((f"{located[0].name}.{cls}", ancestors))
        return any(all(root == cls or root in ancestors for cls, ancestors in lineages) for root, _ in lineages)

    def _ancestors(self, module: ModuleGraph, cls: str, depth: int = 0) -> list[tuple[ModuleGraph, str]]:
        """The project classes `cls` derives from, nearest first."""
        found: list[tuple[ModuleGraph, str]] = []
        info = module.graph["classes"].get(cls)
        if info is None or depth > 5:
            return found
        for base in info["bases"]:
            located = self._base(module, base)
            if located is not None:
                found += [located, *self._ancestors(located[0], located[1], depth + 1)]
        return found

    def callable_attribute(self, module: ModuleGraph, cls: str, name: str, depth: int = 0) -> bool:
        """`self.<name>` holds a callable the object was given (assigned from a parameter)."""
        info = module.graph["classes"].get(cls)
        if info is None or depth > 5:
            return False
        if name in info["callable_attributes"]:
            return True
        return any(
            found is not None and self.callable_attribute(found[0], found[1], name, depth + 1)
            for found in (self._base(module, base) for base in info["bases"])
        )

    def locate(self, function_id: str) -> Optional[tuple[ModuleGraph, str]]:
        """The module and qualname of a function id."""
        split = self.index.split(function_id, "", False)
        if split is None:
            return None
        module = self.load(split[0])
        if module is None or split[1] not in module.graph["functions"]:
            return None
        return module, split[1]

    # ------------------------------------------------------------------ needs

    def need(self, function_id: str) -> Need:
        return self._need(function_id, (), 0)

    def _need(self, function_id: str, stack: tuple[str, ...], depth: int) -> Need:
        found = self.memo.get(function_id)
        if found is not None:
            return found
        if function_id in stack or depth > MAX_DEPTH:
            return FREE  # a cycle or a chain too long to follow: nothing more is known
        located = self.locate(function_id)
        if located is None:
            return FREE
        module, qualname = located
        facts = module.graph["functions"][qualname]
        cls = self.owner_class(module, qualname)
        need = Need()
        stack = (*stack, function_id)
        if facts.get("traced"):
            part, what, line = facts["traced"]
            _add(need, part, Use(f"is decorated with {what}", (function_id,), f"{module.path}:{line}"))
        for wrapper in self._wrappers(facts, module, cls):
            # a project decorator's wrapper runs around every call of the function
            _inherit(need, function_id, self._need(wrapper, stack, depth + 1))
        written: set[str] = set()
        read: set[str] = set()  # ContextVars read before any set of them here
        for reference, line in facts["calls"]:
            where = f"{module.path}:{line}"
            kind, _, text = reference.partition(":")
            if kind == "A":
                continue  # only mentioned
            if kind == "W":
                written.add(text)
            elif kind == "T":
                variable = self.context_var(text, module)
                if variable is not None and variable not in read:
                    # (set after a read of it: a default made on first use, `get()` then
                    # `set(new)` when it was empty; the caller's value is what it reads)
                    written.add(readers.CONTEXTVARS)
            if kind == "R":
                part, _, what = text.partition(":")
                _add(need, part, Use(f"reads {what}", (function_id,), where))
            elif kind == "V":
                variable = self.context_var(text, module)
                if variable is not None:
                    read.add(variable)
                    use = Use(f"reads ContextVar `{short_name(variable)}`", (function_id,), where)
                    _add(need, readers.CONTEXTVARS, use, variable)
            elif kind == "G":
                logging = self.context_logging() if self._logging_known else None
                if logging is not None:
                    use = Use(f"{_LOGS_THROUGH}{logging[1]}", (function_id,), where)
                    for variable in self.logging_variables:
                        _add(need, logging[0], use, variable)
            elif kind == "U":
                if need.unknown is None:
                    need.unknown = Use(f"calls {text}, a callable of unknown origin", (function_id,), where)
                    if reference.startswith(OWN_PARAMETER):
                        need.unknown_parameter = reference[len(OWN_PARAMETER):].strip("`")
            elif kind == "S" and cls is not None and self._method(module, cls, text) is None:
                if need.unknown is None and self.callable_attribute(module, cls, text):
                    need.unknown = Use(f"calls `self.{text}`, a callable it was given", (function_id,), where)
            else:
                transport = self._transport_hook(reference, module) if kind in ("L", "P") else None
                if transport is not None:
                    # the client made with it sends its requests through the hook
                    _inherit(need, function_id, self._need(transport, stack, depth + 1))
                callee = self.function(reference, module, cls)
                if callee is not None:
                    inner = self._need(callee, stack, depth + 1)
                    _inherit(need, function_id, inner)
                    if need.unknown is None and inner.unknown is not None and len(inner.unknown.path) == 1:
                        # a callable of unknown origin invoked by a helper the work calls;
                        # deeper down (serialisers, converters) it is generic plumbing. A
                        # parameter of the helper is what this call hands it.
                        bound = self._bound(inner.unknown_parameter, callee, reference, line, module, qualname)
                        if bound is not None:
                            if bound:
                                _inherit(need, function_id, self._need(bound, stack, depth + 1))
                        else:
                            use = inner.unknown
                            need.unknown = Use(use.what, (function_id, *use.path), use.where)
                else:
                    listener = self._listener(reference, module)
                    if listener is not None:
                        _inherit(need, function_id, self._need(listener, stack, depth + 1))
                    elif kind == "P":
                        client = instrumented_client(text, lambda library: self.instrumented(library, module.path))
                        if client is not None:
                            _add(need, readers.OTEL, Use(client, (function_id,), where))
        for name in facts.get("methods", ()):
            for callee in self.methods.get(name, ()):
                _inherit(need, function_id, self._need(callee, stack, depth + 1))
        for part in written:
            # the work sets this part itself (from a carrier it was handed): the caller's
            # value is not what it reads
            need.parts.pop(part, None)
            if part == readers.CONTEXTVARS:
                need.variables.clear()
        self.memo[function_id] = need
        return need

    def _bound(
        self, parameter: Optional[str], callee: str, reference: str, line: int, module: ModuleGraph, qualname: str
    ) -> Optional[str]:
        """What the call of `callee` at `line` hands it as its callable `parameter`: the
        project function (its id), "" for nothing of the project's (a third-party function,
        a method of an object of unknown type, a callable run in a copied context), None
        when that is out of sight."""
        if parameter is None:
            return None
        located = self.locate(callee)
        if located is None:
            return None
        positional = list(located[0].graph["functions"][located[1]].get("positional", ()))
        if located[0].graph["functions"][located[1]].get("method") and positional[:1] in (["self"], ["cls"]):
            positional = positional[1:]
        for called, arguments, keywords, at, caller in module.graph.get("arguments", ()):
            if at != line or called != reference or caller != qualname:
                continue
            argument = keywords.get(parameter)
            if argument is None and parameter in positional and positional.index(parameter) < len(arguments):
                argument = arguments[positional.index(parameter)]
            if argument is None or argument.startswith(("U:", "Λ:")):
                return None
            if argument.startswith(("C:", "F:")):
                return ""
            return self.function(argument, module, self.owner_class(module, qualname)) or ""
        return None

    # ------------------------------------------------------------------ call sites

    def arguments_for(self, function_id: str, parameter: str) -> list[tuple[ModuleGraph, Optional[str], Optional[str], str]]:
        """What the project's own code hands `function_id` as `parameter`, from its call
        sites and decorations: (caller's module, caller's class, argument, where). An
        argument is a reference (`L:render`), `C:` (runs in a copied context), `Λ:...` (a
        lambda and what it calls), the caller's own parameter, or None (an expression out
        of sight)."""
        located = self.locate(function_id)
        if located is None:
            return []
        module, qualname = located
        facts = module.graph["functions"][qualname]
        positional = list(facts.get("positional", ()))
        if facts.get("method") and positional and positional[0] in ("self", "cls"):
            positional = positional[1:]
        position = positional.index(parameter) if parameter in positional else None
        found = []
        for caller, arguments, keywords, line, caller_qualname in self._call_sites().get(function_id, ()):
            argument = keywords.get(parameter)
            if argument is None and position is not None and position < len(arguments):
                argument = arguments[position]
            cls = self.owner_class(caller, caller_qualname)
            found.append((caller, cls, argument, f"{caller.path}:{line}"))
        if position == 0:
            for decorated_module, decorated, line in self._decorations().get(function_id, ()):
                found.append((decorated_module, None, f"L:{decorated}", f"{decorated_module.path}:{line}"))
        return found

    def owner_class(self, module: ModuleGraph, qualname: str) -> Optional[str]:
        """The class whose `self` the function sees: its own if it is a method, else that of
        the method it is nested in (a closure over `self`)."""
        functions = module.graph["functions"]
        while qualname in functions:
            if functions[qualname].get("method"):
                return qualname.rsplit(".", 1)[0]
            if "." not in qualname:
                return None
            qualname = qualname.rsplit(".", 1)[0]
        return None

    def _call_sites(self) -> dict[str, list]:
        if self._sites is None:
            sites: dict[str, list] = {}
            for module in [m for m in self.loaded() if m is not None]:
                for callee, arguments, keywords, line, caller in module.graph.get("arguments", ()):
                    target = self.function(callee, module, self.owner_class(module, caller))
                    if target is not None:
                        sites.setdefault(target, []).append((module, arguments, keywords, line, caller))
            self._sites = sites
        return self._sites

    def _decorations(self) -> dict[str, list]:
        """Decorator function id -> the functions it decorates: `@traced` binds the function
        to `traced`'s first parameter; `@timeout(30)` to that of the function nested in
        `timeout` (the decorator it returns)."""
        if self._decorated is None:
            decorated: dict[str, list] = {}
            for module in [m for m in self.loaded() if m is not None]:
                for qualname, function in module.graph["functions"].items():
                    for reference, called in function.get("decorated", ()):
                        target = self.function(reference, module)
                        if target is None:
                            continue
                        if called:
                            located = self.locate(target)
                            if located is None:
                                continue
                            owner, outer = located
                            targets = [
                                f"{owner.name}.{inner}" for inner in owner.graph["functions"]
                                if inner.startswith(outer + ".") and inner.count(".") == outer.count(".") + 1
                            ]
                        else:
                            targets = [target]
                        for name in targets:
                            decorated.setdefault(name, []).append((module, qualname, function["line"]))
            self._decorated = decorated
        return self._decorated

    # ------------------------------------------------------------------ reachability

    def reached_from_entry_points(self, modules: Iterable[ModuleGraph], views: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
        """Project functions called, directly or not, from a request or message handler
        (decorated, or a view's method: `view_handlers`): function id -> the handler (a
        hop there is request-scoped)."""
        decorated = [
            (f"{module.name}.{qualname}", f"{function['entry']} `{qualname}`")
            for module in modules
            for qualname, function in module.graph["functions"].items()
            if function.get("entry")
        ]
        return self._reached([*decorated, *views])

    def view_handlers(self, modules: Iterable[ModuleGraph]) -> list[tuple[str, str]]:
        """The request handlers of the project's class-based views: the methods named for
        a request (`get`, `retrieve`, `dispatch`) of a class deriving from a framework's
        view, and those of the project classes it derives from (a mixin's `dispatch`
        override runs for every request of the views mixing it in)."""
        found: dict[str, str] = {}
        for module in modules:
            for cls in module.graph["classes"]:
                kinds = self._view_kinds(module, cls)
                for owner, owner_cls in ((module, cls), *self._ancestors(module, cls)) if kinds else ():
                    for method in owner.graph["classes"][owner_cls]["methods"]:
                        for names, label in kinds:
                            if method not in names:
                                continue
                            why = f"{label} `{cls}.{method}`"
                            if owner_cls != cls:
                                why = f"`{owner_cls}.{method}`, run for the requests of view `{cls}`"
                            found.setdefault(f"{owner.name}.{owner_cls}.{method}", why)
        return sorted(found.items())

    def _view_kinds(self, module: ModuleGraph, cls: str, depth: int = 0) -> list[tuple[frozenset, str]]:
        """The framework views `cls` derives from, directly or through project classes, as
        `entrypoints.view_kind` gives them."""
        kinds = []
        info = module.graph["classes"].get(cls)
        for base in info["bases"] if info is not None and depth <= 5 else ():
            kind = _framework_view(base)
            located = self._base(module, base) if kind is None else None
            if kind is not None:
                kinds.append(kind)
            elif located is not None:
                kinds += self._view_kinds(located[0], located[1], depth + 1)
        return kinds

    def reached_from_program_roots(self, modules: Iterable[ModuleGraph]) -> dict[str, str]:
        """Project functions called from a program's start-up (`main()`, `lifespan`,
        `create_app`): function id -> the root (a hop there is start-up code)."""
        return self._reached(
            (f"{module.name}.{qualname}", qualname)
            for module in modules
            for qualname, function in module.graph["functions"].items()
            if is_program_root(qualname, function)
        )

    def only_from_program_roots(
        self, started: dict[str, str], modules: Iterable[ModuleGraph], uncalled: frozenset[str]
    ) -> dict[str, str]:
        """Of the functions reached from a program root, those no other code of the program
        calls, directly or not: an SDK method that its module's own `__main__` block runs
        also runs per call when the SDK's operations call it. Callers that run with no
        caller context of their own (start-up code and what it nests, tests, a service's
        callbacks) leave a function start-up code."""
        seeds = []
        for module in modules:
            if entrypoint_table.is_test_path(module.path):
                continue
            for qualname, function in module.graph["functions"].items():
                caller = f"{module.name}.{qualname}"
                if caller in started or caller in uncalled or is_program_root(qualname, function):
                    continue
                parts = qualname.split(".")
                if any(f"{module.name}.{'.'.join(parts[:end])}" in started for end in range(1, len(parts))):
                    continue  # nested in start-up code (a thread's target defined there)
                seeds += [(callee, "") for callee in self._callees(caller) if callee in started]
        per_call = self._reached(seeds)
        return {function: root for function, root in started.items() if function not in per_call}

    def reached_from_context_setters(self, modules: Iterable[ModuleGraph]) -> dict[str, str]:
        """Project functions called, directly or not, from one that sets a part of the
        context (a ContextVar's `set`, `context.attach`, structlog's `bind_contextvars`):
        function id -> why (a hop there hands over context that was set for it)."""
        called = []
        for module in modules:
            for qualname, function in module.graph["functions"].items():
                for reference, _line in function["calls"]:
                    kind, _, text = reference.partition(":")
                    if kind == "W" or (kind == "T" and self.context_var(text, module) is not None):
                        # what the setter calls, not the setter: its own hops may come before
                        # the set, or after the reset
                        setter = f"{module.name}.{qualname}"
                        called += [(callee, f"`{display(setter)}`, which sets context") for callee in self._callees(setter)]
                        break
        return self._reached(called)

    def context_fixtures(self, modules: Iterable[ModuleGraph]) -> dict[str, str]:
        """The autouse pytest fixtures that set a part of the context, by the path of the
        file defining them: the tests they run around run with it set."""
        found: dict[str, str] = {}
        for module in modules:
            for qualname, function in module.graph["functions"].items():
                if function.get("autouse") and any(
                    kind == "W" or (kind == "T" and self.context_var(text, module) is not None)
                    for kind, _, text in (reference.partition(":") for reference, _line in function["calls"])
                ):
                    found.setdefault(module.path, f"{module.name}.{qualname}")
        return found

    def views(self, modules: Iterable[ModuleGraph]) -> tuple[str, ...]:
        """Classes deriving directly from a framework's class-based view or request handler
        (`tornado.web.RequestHandler`, Django's `View`): a project defining one serves
        requests, whichever of its subclasses handle them."""
        found = []
        for module in modules:
            for cls, info in module.graph["classes"].items():
                if any(_framework_view(base) for base in info["bases"]):
                    found.append(f"{module.name}.{cls}")
        return tuple(sorted(found))

    def _reached(self, roots: Iterable[tuple[str, str]]) -> dict[str, str]:
        reached: dict[str, str] = {}
        frontier = list(roots)
        for _depth in range(MAX_DEPTH):
            following = []
            for function_id, entry in frontier:
                if function_id in reached:
                    continue
                reached[function_id] = entry
                following += [(callee, entry) for callee in self._callees(function_id) if callee not in reached]
            frontier = following
        return reached

    def _callees(self, function_id: str) -> list[str]:
        """The project functions `function_id` calls, as far as the call graph resolves them."""
        located = self.locate(function_id)
        if located is None:
            return []
        module, qualname = located
        facts = module.graph["functions"][qualname]
        cls = self.owner_class(module, qualname)
        callees = []
        for reference, _line in facts["calls"]:
            if reference[:2] in ("L:", "P:", "S:"):
                callee = self.function(reference, module, cls)
                if callee is not None:
                    callees.append(callee)
                elif reference.startswith("S:") and cls is not None:
                    callees += self._overrides(module, cls, reference[2:])
        return callees

    def _overrides(self, module: ModuleGraph, cls: str, method: str) -> list[str]:
        """`self.<method>(...)` in a class that does not define it: the methods of that name
        of the classes deriving from it (a mixin calling what the views mixing it in define)."""
        if self._subclasses is None:
            self._subclasses = {}
            for owner in [m for m in self.loaded() if m is not None]:
                for name, info in owner.graph["classes"].items():
                    for base in info["bases"]:
                        located = self._base(owner, base)
                        if located is not None:
                            self._subclasses.setdefault(f"{located[0].name}.{located[1]}", []).append((owner, name))
        found = []
        pending, seen = [(module, cls)], set()
        while pending:
            owner, name = pending.pop()
            for sub_module, sub in self._subclasses.get(f"{owner.name}.{name}", ()):
                if (sub_module.name, sub) in seen:
                    continue
                seen.add((sub_module.name, sub))
                if method in sub_module.graph["classes"][sub]["methods"]:
                    found.append(f"{sub_module.name}.{sub}.{method}")
                else:
                    pending.append((sub_module, sub))
        return sorted(found)

    def _wrappers(self, facts: dict, module: ModuleGraph, cls: Optional[str]) -> list[str]:
        """The functions a project decorator of the function defines inside it (`@timed`,
        `@retry_builder(tries=3)`): what runs around each call."""
        wrappers = []
        for applied, _called in facts.get("decorated", ()):
            decorator = self.function(applied, module, cls)
            located = self.locate(decorator) if decorator is not None else None
            if located is None:
                continue
            owner, outer = located
            wrappers += [f"{owner.name}.{inner}" for inner in owner.graph["functions"] if inner.startswith(outer + ".")]
        return wrappers

    def _transport_hook(self, reference: str, module: ModuleGraph) -> Optional[str]:
        """The method that runs per request (`handle_request`) of the project HTTP transport
        a reference constructs (`_LogTransport(...)`), as a function id."""
        kind, _, text = reference.partition(":")
        owner: Optional[tuple[ModuleGraph, str]] = (module, text) if kind == "L" else self._imported(module, text) if kind == "P" else None
        if owner is None:
            return None
        info = owner[0].graph["classes"].get(owner[1])
        hook = info.get("transport_hook") if info is not None else None
        return f"{owner[0].name}.{owner[1]}.{hook}" if hook else None

    def _listener(self, reference: str, module: ModuleGraph) -> Optional[str]:
        """The callback that runs inside a call on a module-level object (`engine.connect()`
        runs the `checkout` listener registered on `engine`), as a function id."""
        kind, _, text = reference.partition(":")
        if kind not in ("L", "P") or "." not in text:
            return None
        target = text.replace("()", "").rsplit(".", 1)[0]
        owner: Optional[ModuleGraph] = module
        name = target
        if kind == "P":
            split = self.index.split(target, module.name, module.path.endswith("__init__.py"))
            owner = self.load(split[0]) if split is not None else None
            name = split[1] if split is not None else ""
        if owner is None:
            return None
        for listened, function in owner.graph.get("listeners", ()):
            if listened == f"L:{name}":
                return f"{owner.name}.{function}"
        return None

    def context_var(self, reference: str, module: ModuleGraph) -> Optional[str]:
        """The project ContextVar an `L:`/`P:` reference names, as `module:qualname`."""
        kind, _, text = reference.partition(":")
        text = text.replace("()", "")
        if kind == "L":
            return f"{module.name}:{text}" if text in module.graph["context_vars"] else None
        if kind == "P":
            split = self.index.split(text, module.name, module.path.endswith("__init__.py"))
            if split is not None:
                target = self.load(split[0])
                if target is not None and split[1] in target.graph["context_vars"]:
                    return f"{target.name}:{split[1]}"
        return None

    # ------------------------------------------------------------------ logging

    def settle_logging(self, records: Iterable[tuple[ModuleGraph, list]], instrumented_logging: Optional[str]) -> None:
        """Whether the project's logging reads the context: structlog merging context
        variables, a logging filter/formatter/adapter or record factory that reads one,
        or OpenTelemetry log correlation. Computed once, before any logging call counts."""
        found: Optional[tuple[str, str]] = None
        for module, (kind, target, line) in records:
            if kind == "structlog":
                found = (readers.CONTEXTVARS, "structlog, which merges context variables into every event")
            else:
                function = f"{module.name}.{target}" if kind == "hook" else self.function(target, module)
                need = self.need(function) if function is not None else FREE
                label = kind if kind.startswith("loguru") else f"logging {kind}"
                if readers.CONTEXTVARS in need.parts:
                    found = (readers.CONTEXTVARS, f"the {label} `{display(function)}`, which reads a ContextVar")
                    self.logging_variables = tuple(need.variables)
                elif readers.FLASK in need.parts:
                    found = (readers.FLASK, f"the {label} `{display(function)}`, which reads Flask's context")
            if found is not None:
                break
        if found is None and instrumented_logging is not None:
            found = (readers.OTEL, "OpenTelemetry log correlation, which reads the current span")
        self.logging = found
        self._logging_known = True
        if found is not None:
            self.memo.clear()  # computed while logging calls did not count yet

    def context_logging(self) -> Optional[tuple[str, str]]:
        return self.logging


def _inherit(need: Need, function_id: str, inner: Need) -> None:
    """The parts `inner` needs become `need`'s too, reached through `function_id`."""
    for part, use in inner.parts.items():
        _add(need, part, Use(use.what, (function_id, *use.path), use.where), None)
    for variable, use in inner.variables.items():
        need.variables.setdefault(variable, Use(use.what, (function_id, *use.path), use.where))


def _add(need: Need, part: str, use: Use, variable: Optional[str] = "") -> None:
    """`use` of `part` of the context (of `variable`, for the contextvars part; None: the
    variables are recorded apart), unless one is known already. A read of the context says
    more than a logging call whose handler reads it (the handler may only read a ContextVar
    that is set elsewhere), so it replaces one."""
    known = need.parts.get(part)
    if known is None or (known.what.startswith(_LOGS_THROUGH) and not use.what.startswith(_LOGS_THROUGH)):
        need.parts[part] = use
    if part == readers.CONTEXTVARS and variable is not None:
        need.variables.setdefault(variable, use)


def _framework_view(base: str) -> Optional[tuple[frozenset, str]]:
    """(handler methods, label) when a class base (a call-graph reference) is a framework's
    class-based view or request handler."""
    return entrypoint_table.view_kind(base[2:].removesuffix("()")) if base.startswith("P:") else None


def is_distinctive_method(name: str) -> bool:
    """A compound name (`add_watch`, `fetchRows`) that no everyday standard-library type
    has: a call of it names one operation of the project, not any object's `send`."""
    return bool(_COMPOUND.search(name)) and name.isascii() and name not in common_methods()


def is_program_root(qualname: str, function: dict) -> bool:
    """A program's start-up: `main()`, `lifespan`, `create_app`, `setup_*`, the
    `if __name__ == "__main__":` block, a command-line command; or what the process runs
    for itself (an `atexit` or signal handler)."""
    name = qualname.rsplit(".", 1)[-1]
    return (
        name in entrypoint_table.PROGRAM_ROOTS or name.startswith("setup_") or qualname == MAIN_BLOCK or "root" in function
    )


def program_of(path: str, distributions: tuple[str, ...]) -> str:
    """The distribution directory a project file belongs to ("" for none but the root)."""
    directory = path.rpartition("/")[0]
    while directory:
        if directory in distributions:
            return directory
        directory = directory.rpartition("/")[0]
    return ""


def short_name(variable: str) -> str:
    """`request_id` of `app.context:request_id` (`Class.var` -> `var`)."""
    return variable.rsplit(":", 1)[-1].rsplit(".", 1)[-1]


def instrumented_client(path: str, instrumented: Callable[[str], Optional[str]]) -> Optional[str]:
    """`calls requests.get, which the requests instrumentation traces` for an outbound call
    through an instrumented HTTP client (`instrumented(library)` is None when it is not):
    its span is a child of the current one."""
    library = bnd.HTTP_SHORTCUTS.get(path)
    constructor, _, method = path.partition("().")
    if library is None and method in bnd.HTTP_SEND_METHODS:
        library = bnd.HTTP_CLIENTS.get(constructor)
    if library is None and method:
        library = readers.INSTRUMENTED_CLIENTS.get(constructor)
    if not library:
        return None
    if instrumented(library) is None:
        return None
    return f"calls `{path}`, which the {library} instrumentation traces: its span continues the current trace"


@dataclass
class ContextFlow:
    """The facts rules ask about a hop's work: the call graphs of the modules the hops
    reach, and what each of their functions needs (free ones are absent)."""

    modules: dict[str, ModuleGraph] = field(default_factory=dict)  # module name -> graph
    paths: tuple[str, ...] = ()  # every Python file of the project, relative to its root
    needs: dict[str, Need] = field(default_factory=dict)
    reached: dict[str, str] = field(default_factory=dict)  # function id -> the handler reaching it
    started: dict[str, str] = field(default_factory=dict)  # function id -> the start-up root reaching it
    logging: Optional[tuple[str, str]] = None  # (part, how) when the project's logging reads the context
    uncalled: frozenset[str] = frozenset()  # in a service: functions handing work over that no project code calls
    views: tuple[str, ...] = ()  # classes deriving from a framework's class-based view or handler
    set_reached: dict[str, str] = field(default_factory=dict)  # function id -> the context setter reaching it
    instrumented: dict[str, dict[str, str]] = field(default_factory=dict)  # library -> program -> where it is instrumented
    distributions: tuple[str, ...] = ()  # `ProjectFacts.distributions`
    # Modules whose graph comes from the text being linted rather than the file the
    # project pass read (standard input, an editor's buffer, a file outside the pass):
    # their functions' needs are computed when asked.
    overlaid: frozenset[str] = frozenset()
    # The content hash of every Python file the project pass read: a linted text equal to
    # what the pass read needs no graph of its own.
    read: dict[str, str] = field(default_factory=dict)
    # function id -> the project ContextVars its hops' work reads that cannot hold a value
    # there (`variables.py`)
    unheld: dict[str, frozenset[str]] = field(default_factory=dict)
    methods: dict[str, tuple[str, ...]] = field(default_factory=dict)  # `Summaries.methods`
    logging_variables: tuple[str, ...] = ("",)  # `Summaries.logging_variables`
    context_fixtures: dict[str, str] = field(default_factory=dict)  # `Summaries.context_fixtures`

    def __post_init__(self) -> None:
        self._resolver: Optional[Summaries] = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_resolver", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._resolver = None

    @property
    def resolver(self) -> Summaries:
        if self._resolver is None:
            resolver = Summaries(ModuleIndex((*self.paths, *(m.path for m in self.modules.values()))), self.modules.get, self._instrumented)
            resolver.loaded = self.modules.values
            resolver.logging, resolver._logging_known = self.logging, True
            resolver.logging_variables = self.logging_variables
            resolver.methods = self.methods
            self._resolver = resolver
        return self._resolver

    def _instrumented(self, library: str, path: str) -> Optional[str]:
        return self.instrumented.get(library, {}).get(program_of(path, self.distributions))

    def with_source(self, relative_path: str, graph: dict) -> "ContextFlow":
        """This flow, with the graph of `relative_path` built from the text being linted."""
        module = ModuleGraph(module_name(relative_path), relative_path, graph)
        prefix = module.name + "."
        state = dict(self.__getstate__())
        state["modules"] = {**self.modules, module.name: module}
        state["needs"] = {name: need for name, need in self.needs.items() if not name.startswith(prefix)}
        state["overlaid"] = self.overlaid | {module.name}
        flow = ContextFlow.__new__(ContextFlow)
        flow.__setstate__(state)
        return flow

    def arguments_for(self, function_id: str, parameter: str) -> list[tuple[ModuleGraph, Optional[str], Optional[str], str]]:
        return self.resolver.arguments_for(function_id, parameter)

    def module(self, relative_path: str) -> ModuleGraph:
        """The graph of a linted file (an empty one if the hops never reached it)."""
        name = module_name(relative_path)
        return self.modules.get(name) or ModuleGraph(name, relative_path, EMPTY_GRAPH)

    def function(self, reference: str, module: ModuleGraph, cls: Optional[str] = None) -> Optional[str]:
        return self.resolver.function(reference, module, cls)

    def need(self, function_id: str) -> Need:
        found = self.needs.get(function_id)
        if found is not None:
            return found
        if function_id.rsplit(".", 1)[0].split(".")[0] and any(function_id.startswith(m + ".") for m in self.overlaid):
            return self.resolver.need(function_id)
        return FREE

    def callable_attribute(self, module: ModuleGraph, cls: str, name: str) -> bool:
        return self.resolver.callable_attribute(module, cls, name)

    def is_coroutine_function(self, function_id: str) -> bool:
        """`async def`: called in a worker, it only makes a coroutine, which runs nothing."""
        located = self.resolver.locate(function_id)
        return located is not None and bool(located[0].graph["functions"][located[1]].get("async"))

    def copies_context(self, reference: str, module: ModuleGraph) -> bool:
        """Whether a class (`L:Pool()`) has a method that calls `copy_context()`: the
        project's own context-propagating executor or thread."""
        kind, _, text = reference.partition(":")
        if kind == "L":
            found = (module, text.replace("()", "")) if text.replace("()", "") in module.graph["classes"] else None
        else:
            found = self.resolver._base(module, reference.replace("()", ""))
        if found is None:
            return False
        owner, cls = found
        prefix = f"{cls}."
        return any(
            reference == f"P:{COPY_CONTEXT}"
            for qualname, function in owner.graph["functions"].items()
            if qualname.startswith(prefix)
            for reference, _line in function["calls"]
        )

    def copying_classes(self) -> list[str]:
        """The project's own classes with a method that calls `copy_context()` (its
        context-propagating executors and threads), as `Name (path:line)`."""
        found = []
        for module in self.modules.values():
            for cls, info in module.graph["classes"].items():
                prefix = f"{cls}."
                if any(
                    reference == f"P:{COPY_CONTEXT}"
                    for qualname, function in module.graph["functions"].items()
                    if qualname.startswith(prefix) and qualname.count(".") == cls.count(".") + 1
                    for reference, _line in function["calls"]
                ):
                    found.append(f"{cls.rsplit('.', 1)[-1]} ({module.path}:{info['line']})")
        return sorted(found)

    def symbols(self) -> list[str]:
        """Every function id the graphs define (the result cache's key includes them)."""
        return sorted(f"{name}.{q}" for name, module in self.modules.items() for q in module.graph["functions"])




def display(function_id: str) -> str:
    """How a message names a function: `Worker.run`, `render` (no module)."""
    parts = function_id.split(".")
    return ".".join(parts[-2:]) if len(parts) >= 2 and parts[-2].lstrip("_")[:1].isupper() else parts[-1]
