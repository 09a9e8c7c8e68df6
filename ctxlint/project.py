"""Project-wide facts, computed once per project root and cached on disk (SPEC §5).

Facts: whether first-party code uses OpenTelemetry; which libraries are instrumented
(instrumentor calls, per-object instrumentation, auto-instrumentation in launch files and
the libraries it leaves disabled); which project functions propagate by hand (call
`inject`/`extract`); which `ContextVar`s the project defines; which project functions are
context wrappers (return a callable running in `copy_context()`) or span factories (return
`tracer.start_span(...)`). Extraction uses `ast` on the few files whose text mentions a
relevant token, so it costs a fraction of one LibCST parse, and each file's facts are
cached by (mtime, size) and content hash: a single-file run re-reads only what changed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ctxlint.semantics import boundaries as bnd
from ctxlint.cache import build_fingerprint
from ctxlint.semantics import instrumentation as inst
from ctxlint.semantics.entrypoints import ROUTE_DECORATOR_METHODS
from ctxlint.settings import Settings

FACTS_VERSION = 4
# A file whose mtime is this close to "now" may still change within the same timestamp
# tick; its stat signature is not trusted on the next run (git's "racy clean" problem).
_RACY_SECONDS = 2.0
_MAX_LAUNCH_FILE_BYTES = 1_000_000
# A file without any of these cannot contribute a fact (case variants of the tracing
# wrapper words are covered by their common part). `inject`/`extract` are not among them:
# a function calling OpenTelemetry's imports it from `opentelemetry`.
_PY_TOKENS = (
    b"elemetry", b"nstrument", b"copy_context", b"ContextVar", b"start_span",
    b"create_trace_config", b"interceptor", b"logfire", b"configure_azure_monitor",
    b"opencensus", b"racing", b"otel", b"Otel", b"OTel", b"bservability",
    inst.DISABLED_ENV.encode(),
)


@dataclass
class Instrumentation:
    library: str  # entry-point name ("wsgi"/"asgi" for OpenTelemetryMiddleware)
    where: str  # "path:line", "auto-instrumentation (Dockerfile:9)" or "config"
    objects: tuple[str, ...] = ()  # kind "object": the instrumented objects as written
    kind: str = "global"  # "global" | "object" | "construction" | "auto" | "config"
    form: str = ""  # the call, for --verbose: "FlaskInstrumentor().instrument_app(...)"

    @property
    def is_global(self) -> bool:
        return self.kind in ("global", "auto", "config")

    def object_names(self) -> set[str]:
        """Names an instrumented object goes by: `self.client` -> {"client"}."""
        return {part for text in self.objects for part in text.split(".") if part not in ("self", "cls")}

    def describe(self, more: int = 0) -> str:
        """`requests (app/telemetry.py:12)`; `more` other places do the same."""
        where = f"{self.where}, +{more} more" if more else self.where
        if self.kind == "object":
            what = f"{inst.MIDDLEWARE_CLASS} ({self.library})" if self.library in ("wsgi", "asgi") else self.library
            return f"{what} for {', '.join(self.objects)} ({where})"
        if self.kind == "construction":
            return f"{self.library} via {self.form} ({where})"
        if self.kind == "auto":
            return f"{self.library} (auto-instrumentation, {where})"
        return f"{self.library} ({where})"


@dataclass
class FileFacts:
    """What one file contributes (JSON-serialisable; cached per file)."""

    imports_opentelemetry: bool = False
    # [library, line, objects, kind, form]
    instrumentations: list[list] = field(default_factory=list)
    auto_instrumentation: Optional[int] = None  # line of the launcher / initialize()
    provider_set: Optional[int] = None  # line of a module-level `set_tracer_provider(...)`
    disabled: list[list] = field(default_factory=list)  # [library, line]
    context_vars: list[list] = field(default_factory=list)  # [name, line]
    context_wrappers: list[str] = field(default_factory=list)
    span_factories: list[str] = field(default_factory=list)
    injectors: list[str] = field(default_factory=list)
    extractors: list[str] = field(default_factory=list)
    # [name, line]: functions registered as request hooks, and functions those call
    hook_registrations: list[list] = field(default_factory=list)
    used: list[str] = field(default_factory=list)


@dataclass
class ProjectFacts:
    opentelemetry: bool = False
    opentelemetry_where: Optional[str] = None
    instrumented: dict[str, list[Instrumentation]] = field(default_factory=dict)
    auto_instrumentation: Optional[str] = None  # where: "Dockerfile:9", "config"
    disabled: tuple[str, ...] = ()  # OTEL_PYTHON_DISABLED_INSTRUMENTATIONS values
    disabled_where: dict[str, str] = field(default_factory=dict)
    context_vars: dict[str, str] = field(default_factory=dict)
    context_wrappers: frozenset[str] = frozenset()
    span_factories: frozenset[str] = frozenset()
    injectors: frozenset[str] = frozenset()  # project functions/classes calling `inject`
    extractors: frozenset[str] = frozenset()  # ... calling `extract`
    server_extraction: Optional[str] = None  # where a request hook extracts by hand
    # Where the project sets up tracing for its own process: an instrumentor, middleware
    # or helper, auto-instrumentation, a module-level `trace.set_tracer_provider(...)`,
    # `instrumented = [...]` or `opentelemetry = true`. Without it the inventory says
    # nothing (a library, whose host application instruments it, or a service set up
    # where it is deployed) and CTX301-CTX304 stay silent.
    tracing_setup: Optional[str] = None
    used_libraries: tuple[str, ...] = ()  # informational (--verbose); rules never read it

    def instrumentation(self, library: str) -> Optional[Instrumentation]:
        """How `library` (an entry-point name) is instrumented for the whole process, if it is."""
        if not library or library == inst.NO_INSTRUMENTATION:
            return None
        for record in self.instrumented.get(library, ()):
            if record.is_global:
                return record
        if self.auto_instrumentation and library not in self.disabled and "*" not in self.disabled:
            return Instrumentation(library, self.auto_instrumentation, kind="auto")
        return None

    def object_instrumentations(self, library: str) -> list[Instrumentation]:
        """Per-object instrumentation of `library` (`instrument_app(app)`, `OpenTelemetryMiddleware(app)`)."""
        return [record for record in self.instrumented.get(library, ()) if record.kind == "object"]

    def instrumented_objects(self, library: str) -> set[str]:
        """Names of objects instrumented one by one (`instrument_app(app)` -> {"app"})."""
        return {name for record in self.object_instrumentations(library) for name in record.object_names()}

    def disabled_reason(self, library: str) -> Optional[str]:
        """Where auto-instrumentation of `library` is switched off, if it is."""
        if not self.auto_instrumentation:
            return None
        for name in (library, "*"):
            if name in self.disabled:
                return self.disabled_where.get(name, "config")
        return None

    def _partial(self, library: str) -> str:
        """Which objects of an otherwise uninstrumented library are instrumented."""
        kinds = [library, *bnd.MIDDLEWARE_FRAMEWORKS.get(library, ())]
        records = [r for kind in kinds for r in self.instrumented.get(kind, ()) if not r.is_global]
        parts = sorted({", ".join(r.objects) if r.kind == "object" else f"where built with {r.form}" for r in records})
        return "; ".join(parts)

    def fingerprint(self) -> str:
        """A hash of every fact a rule can read (the result cache is keyed by it)."""
        data = asdict(self)
        data.pop("used_libraries")
        for name in ("context_wrappers", "span_factories", "injectors", "extractors"):
            data[name] = sorted(getattr(self, name))
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def describe(self) -> list[str]:
        """Lines for `--verbose`: why a rule did or did not fire."""
        if self.opentelemetry:
            lines = [f"opentelemetry: yes ({self.opentelemetry_where})"]
        else:
            lines = ["opentelemetry: no (CTX3xx rules are off)"]
        groups: dict[tuple, list[Instrumentation]] = {}
        for library in sorted(self.instrumented):
            if library == inst.WRAPPER_LIBRARY:
                continue
            for record in self.instrumented[library]:
                key = (library, record.kind, record.objects if record.kind == "object" else record.form)
                groups.setdefault(key, []).append(record)
        instrumented = [records[0].describe(len(records) - 1) for records in groups.values()]
        if self.auto_instrumentation:
            covered = [lib for lib in self.used_libraries if lib not in self.instrumented and self.instrumentation(lib)]
            instrumented.extend(f"{lib} (auto-instrumentation, {self.auto_instrumentation})" for lib in covered)
            if not covered:
                other = "every other library" if self.used_libraries else "every library"
                instrumented.append(f"{other} (auto-instrumentation, {self.auto_instrumentation})")
        lines.append("instrumented: " + (", ".join(instrumented) or "nothing"))
        if self.opentelemetry and self.tracing_setup is None:
            lines.append(
                "tracing set up: not in this project (a library, or a service set up where it is deployed):"
                " CTX301-CTX304 are off; `opentelemetry = true` turns them on"
            )
        missing = []
        for library in self.used_libraries:
            if self.instrumentation(library) is not None:
                continue
            if library == inst.NO_INSTRUMENTATION:
                missing.append(f"{library} (no instrumentation exists)")
            elif self.disabled_reason(library):
                missing.append(f"{library} (disabled in {self.disabled_reason(library)})")
            else:
                partial = self._partial(library)
                missing.append(f"{library} (only {partial})" if partial else library)
        lines.append("not instrumented: " + (", ".join(missing) or "nothing"))
        wrapped = self.instrumented.get(inst.WRAPPER_LIBRARY, [])
        if wrapped:
            shown = ", ".join(f"{', '.join(r.objects)} ({r.where})" for r in wrapped[:5])
            extra = f", +{len(wrapped) - 5} more" if len(wrapped) > 5 else ""
            lines.append(f"passed to tracing wrappers (treated as instrumented): {shown}{extra}")
        if self.injectors or self.extractors or self.server_extraction:
            parts = []
            if self.injectors:
                parts.append("inject in " + ", ".join(sorted(self.injectors)))
            if self.extractors:
                parts.append("extract in " + ", ".join(sorted(self.extractors)))
            if self.server_extraction:
                parts.append(f"a request handler extracts at {self.server_extraction}")
            lines.append("manual propagation: " + "; ".join(parts))
        lines.append(
            "context variables: "
            + (", ".join(f"{n} ({w})" for n, w in sorted(self.context_vars.items())) or "none")
        )
        lines.append("context wrappers: " + (", ".join(sorted(self.context_wrappers)) or "none"))
        lines.append("span factories: " + (", ".join(sorted(self.span_factories)) or "none"))
        return lines


# ---------------------------------------------------------------------------- Python files


def _text(node: ast.AST) -> str:
    """`a.b.c` for Name/Attribute chains, "<object>" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return "<object>"


def _first_argument(call: ast.Call) -> Optional[ast.AST]:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    for kw in call.keywords:
        if kw.arg in ("app", "client", "channel", "producer", "consumer", "config", "application"):
            return kw.value
    return None


def _string(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _split_names(value: str) -> list[str]:
    return [part.strip() for part in value.strip("\"'").split(",") if part.strip()]


_MIDDLEWARE_NAMES = frozenset({inst.MIDDLEWARE_CLASS, inst.AIOHTTP_SERVER_MIDDLEWARE.rsplit(".", 1)[-1]})


class _PythonFacts:
    """One file's facts from its `ast` (a few linear passes, no resolution beyond imports)."""

    def __init__(self, facts: FileFacts, tree: ast.Module) -> None:
        self.facts = facts
        self.tree = tree
        self.aliases: dict[str, str] = {}  # local name -> imported dotted path
        self.bound_instrumentors: dict[str, str] = {}  # name / attribute -> library
        self.construction_target: dict[int, str] = {}  # id(instrumentor construction) -> bound name
        self.methods_on: dict[str, set[str]] = {}  # bound name -> methods called on it
        self.used_as_receiver: set[int] = set()
        self.recorded: set[tuple[str, int, str]] = set()

    def run(self) -> None:
        scan = _scan(self.tree)
        for node in scan.imports:
            self._import(node)
        for node in scan.assignments:
            self._assignment(node)
        for node in scan.calls:
            self._call(node)
        for summary in scan.summaries:
            summary.calls = {self._last(func) for func in summary.callees}
            if isinstance(summary.node, ast.ClassDef):
                self._class(summary.node, summary)
            else:
                self._function(summary.node, summary)
        self._leftover_instrumentors(scan)
        self._provider_set(self.tree.body)

    def _provider_set(self, statements: list) -> None:
        """A `set_tracer_provider(...)` run at import time: only an application sets the
        global provider of its process on import (libraries do it in functions their
        users call, if at all)."""
        for statement in statements:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                if _callee_name(statement.value) == "set_tracer_provider":
                    if self.facts.provider_set is None:
                        self.facts.provider_set = statement.lineno
            elif isinstance(statement, (ast.If, ast.Try, ast.With)):
                for block in (statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])):
                    self._provider_set(block)

    # ------------------------------------------------------------ names

    def _import(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "opentelemetry":
                    self.facts.imports_opentelemetry = True
                if alias.name == f"{inst.AUTO_INSTRUMENTATION_MODULE}.{inst.AUTO_INSTRUMENTATION_IMPORT}":
                    self._auto(node.lineno)
                local = alias.asname or alias.name.split(".")[0]
                self.aliases[local] = alias.name if alias.asname else local
            return
        assert isinstance(node, ast.ImportFrom)
        module = node.module or ""
        if node.level == 0 and module.split(".")[0] == "opentelemetry":
            self.facts.imports_opentelemetry = True
        for alias in node.names:
            path = f"{module}.{alias.name}" if module else alias.name
            if path == f"{inst.AUTO_INSTRUMENTATION_MODULE}.{inst.AUTO_INSTRUMENTATION_IMPORT}":
                self._auto(node.lineno)
            self.aliases[alias.asname or alias.name] = path

    def _path(self, node: ast.AST) -> str:
        """Dotted path of a Name/Attribute chain through this file's imports."""
        text = _text(node)
        head, _, rest = text.partition(".")
        base = self.aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    def _last(self, node: ast.AST) -> str:
        """The last name of a callee: `x.y.inject` and `Propagator().inject` -> "inject",
        an imported alias -> the imported name."""
        if isinstance(node, ast.Attribute):
            return node.attr
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id).rsplit(".", 1)[-1]
        return "<object>"

    def _instrumentor(self, node: ast.AST) -> Optional[str]:
        """The library of an instrumentor class named by `node`."""
        if isinstance(node, (ast.Name, ast.Attribute)):
            return inst.INSTRUMENTORS.get(self._last(node))
        return None

    @staticmethod
    def _key(node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        return None

    # ------------------------------------------------------------ statements

    def _assignment(self, node) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if isinstance(value, ast.Call):
            library = self._instrumentor(value.func)
            if library is not None:
                for target in targets:
                    key = self._key(target)
                    if key is not None:
                        self.bound_instrumentors[key] = library
                        self.construction_target[id(value)] = key
        # os.environ["OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"] = "flask"
        for target in targets:
            if isinstance(target, ast.Subscript) and _string(_subscript_key(target)) == inst.DISABLED_ENV:
                value_text = _string(value)
                if value_text is not None:
                    self._disable(value_text, node.lineno)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            self.used_as_receiver.add(id(func.value))
            if self._instrumentor_method(node, func):
                return
            if func.attr in inst.LOGFIRE_METHODS and self._path(func.value) == "logfire":
                library, per_object = inst.LOGFIRE_METHODS[func.attr]
                argument = _first_argument(node) if per_object else None
                if argument is None:
                    self._record(library, node.lineno, [], "global", f"logfire.{func.attr}()")
                else:
                    self._record(library, node.lineno, self._object(argument), "object", f"logfire.{func.attr}(...)")
                return
            first = node.args[0] if node.args else None
            if func.attr in ("setdefault", "putenv") and _string(first) == inst.DISABLED_ENV:
                value = _string(node.args[1]) if len(node.args) > 1 else None
                if value is not None:
                    self._disable(value, node.lineno)
                return
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return
        name = self._last(func)
        # a helper called by a bare name this file does not import is its own function
        # (sentry-sdk defines and calls its own `create_trace_config()`)
        local = isinstance(func, ast.Name) and func.id not in self.aliases
        if name in inst.CONSTRUCTION_HELPERS and not local:
            self._record(inst.CONSTRUCTION_HELPERS[name], node.lineno, [], "construction", f"{name}(...)")
        elif name == inst.MIDDLEWARE_CLASS:
            for kind in self._middleware_kinds(self._path(func)):
                self._record(kind, node.lineno, self._object(_first_argument(node)), "object", name)
        elif name == inst.AUTO_INSTRUMENTATION_CALL and self._path(func).endswith(
            f"{inst.AUTO_INSTRUMENTATION_MODULE.rsplit('.', 1)[-1]}.{inst.AUTO_INSTRUMENTATION_CALL}"
        ):
            self._auto(node.lineno)
        elif name in inst.DISTRO_CALLS:
            for library in inst.DISTRO_CALLS[name]:
                self._record(library, node.lineno, [], "global", f"{name}()")
        elif name in inst.ENTRY_POINT_LOADERS and any(
            _string(a) == inst.INSTRUMENTOR_ENTRY_POINT_GROUP for a in [*node.args, *(kw.value for kw in node.keywords)]
        ):
            # `entry_points(group="opentelemetry_instrumentor")`: loading every instrumentor
            # is what auto-instrumentation does
            self._auto(node.lineno)
        elif name == "ContextVar":
            self.facts.context_vars.append([_string(node.args[0] if node.args else None) or "<unnamed>", node.lineno])
        elif (
            node.args
            and isinstance(node.args[0], (ast.Name, ast.Attribute))
            # `Instrumentator().instrument(app)` (prometheus-fastapi-instrumentator) is metrics
            and not (isinstance(func, ast.Attribute) and func.attr in inst.GLOBAL_METHODS)
            and (_is_wrapper_name(name) or self._path(func).startswith(inst.WRAPPER_MODULES))
        ):
            self._record(inst.WRAPPER_LIBRARY, node.lineno, self._object(node.args[0]), "object", f"{name}(...)")
        elif isinstance(func, ast.Attribute) and any(
            isinstance(a, (ast.Name, ast.Attribute)) and _is_wrapper_name(self._last(a)) for a in node.args
        ):
            # `app.add_middleware(TracingMiddleware)`, `app.middlewares.append(tracing_middleware)`
            self._record(inst.WRAPPER_LIBRARY, node.lineno, self._object(func.value), "object", f"{_text(func)}(...)")
        # `app.add_middleware(OpenTelemetryMiddleware)`, `app.middlewares.append(middleware)`,
        # `Middleware(OpenTelemetryMiddleware)`: the middleware passed, not called
        for argument in [*node.args, *(kw.value for kw in node.keywords)]:
            if not isinstance(argument, (ast.Name, ast.Attribute)) or self._last(argument) not in _MIDDLEWARE_NAMES:
                continue
            for kind in self._middleware_reference(argument):
                form = f"{_text(func)}({_text(argument)})"
                if isinstance(func, ast.Attribute):
                    self._record(kind, node.lineno, self._object(func.value), "object", form)
                else:
                    self._record(kind, node.lineno, [], "construction", form)
        if isinstance(func, ast.Attribute) and func.attr in bnd.SERVER_HOOKS:
            for argument in [*node.args, *(kw.value for kw in node.keywords)]:
                key = self._key(argument)
                if key is not None:
                    self.facts.hook_registrations.append([key, node.lineno])

    def _instrumentor_method(self, node: ast.Call, func: ast.Attribute) -> bool:
        """`X().instrument()`, `x.instrument()`, `X.instrument_app(app)`: recorded; True if handled."""
        receiver = func.value
        library = None
        if isinstance(receiver, ast.Call):
            library = self._instrumentor(receiver.func)
        if library is None:
            library = self._instrumentor(receiver)
        key = self._key(receiver)
        if library is None and key is not None:
            library = self.bound_instrumentors.get(key)
        if library is None:
            return False
        if key is not None:
            self.methods_on.setdefault(key, set()).add(func.attr)
        cls = inst.INSTRUMENTOR_OF.get(library, "Instrumentor")
        if func.attr in inst.GLOBAL_METHODS:
            self._record(library, node.lineno, [], "global", f"{cls}().instrument()")
        elif func.attr in inst.OBJECT_METHODS:
            self._record(library, node.lineno, self._object(_first_argument(node)), "object", f"{cls}.{func.attr}(...)")
        return True

    @staticmethod
    def _middleware_kinds(path: str) -> tuple[str, ...]:
        """"wsgi"/"asgi" from the module the middleware comes from (both when re-exported)."""
        module = path.rsplit(".", 1)[0]
        for kind in ("wsgi", "asgi"):
            if module.endswith(kind):
                return (kind,)
        return ("wsgi", "asgi")

    def _middleware_reference(self, node: ast.AST) -> tuple[str, ...]:
        """The libraries a middleware passed uncalled instruments (none if it is not one)."""
        if not isinstance(node, (ast.Name, ast.Attribute)):
            return ()
        path = self._path(node)
        if path.rsplit(".", 1)[-1] == inst.MIDDLEWARE_CLASS:
            return self._middleware_kinds(path)
        if path == inst.AIOHTTP_SERVER_MIDDLEWARE:
            return ("aiohttp-server",)
        return ()

    def _leftover_instrumentors(self, scan: _Scan) -> None:
        """Instrumentors built or named but not instrumented on the spot: in a list looped
        over, handed to a helper, kept for later. Counted as global instrumentation:
        a missed instrumentor would make CTX3xx rules report instrumented code."""
        for node in scan.calls:
            library = self._instrumentor(node.func)
            if library is None or id(node) in self.used_as_receiver:
                continue
            key = self.construction_target.get(id(node))
            methods = self.methods_on.get(key, set()) if key else set()
            if "instrument" in methods or (methods and methods <= inst.OBJECT_METHODS | inst.NON_INSTRUMENTING_METHODS):
                continue  # recorded where the method is called, or never instrumented
            cls = inst.INSTRUMENTOR_OF.get(library, "Instrumentor")
            self._record(library, node.lineno, [], "global", f"{cls}()")
        for node in scan.sequences:
            # `for cls in (RequestsInstrumentor, HTTPXClientInstrumentor): cls().instrument()`
            for element in node.elts:
                library = self._instrumentor(element)
                if library is not None:
                    cls = inst.INSTRUMENTOR_OF.get(library, "Instrumentor")
                    self._record(library, element.lineno, [], "global", cls)

    def _object(self, node: Optional[ast.AST]) -> list[str]:
        """The instrumented object as a dotted path through this file's imports
        (`from app.main import app` makes `app` "app.main.app")."""
        if node is None:
            return ["<object>"]
        return [self._path(node) if isinstance(node, (ast.Name, ast.Attribute)) else "<object>"]

    def _record(self, library: str, line: int, objects: list[str], kind: str, form: str) -> None:
        key = (library, line, kind)
        if key not in self.recorded:
            self.recorded.add(key)
            self.facts.instrumentations.append([library, line, objects, kind, form])

    def _auto(self, line: int) -> None:
        if self.facts.auto_instrumentation is None:
            self.facts.auto_instrumentation = line

    def _disable(self, value: str, line: int) -> None:
        self.facts.disabled.extend([name, line] for name in _split_names(value))

    # ------------------------------------------------------------ functions and classes

    def _function(self, node, summary: _Summary) -> None:
        calls = summary.calls
        if summary.copies and summary.runs and summary.returns:
            # returns something that runs a callable in a context captured by copy_context()
            self.facts.context_wrappers.append(node.name)
        if summary.returns_span:
            self.facts.span_factories.append(node.name)
        if bnd.INJECT in calls:
            self.facts.injectors.append(node.name)
        if bnd.EXTRACT in calls:
            self.facts.extractors.append(node.name)
        if node.name in bnd.SERVER_HOOK_METHODS or any(self._server_hook(d) for d in node.decorator_list):
            # whether a callee extracts is known once every file is read (merge_facts)
            self.facts.hook_registrations.extend([name, node.lineno] for name in sorted(calls))

    @staticmethod
    def _server_hook(decorator: ast.AST) -> bool:
        """`@app.before_request`, `@app.middleware("http")`, and route decorators
        (`@app.route("/")`, `@router.get("/")`): the function handles incoming requests."""
        if isinstance(decorator, ast.Attribute):
            return decorator.attr in bnd.SERVER_HOOKS
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
            return decorator.func.attr in bnd.SERVER_HOOKS or decorator.func.attr in ROUTE_DECORATOR_METHODS
        return False

    def _class(self, node: ast.ClassDef, summary: _Summary) -> None:
        calls = summary.calls
        if bnd.INJECT in calls:
            self.facts.injectors.append(node.name)
        if bnd.EXTRACT in calls:
            self.facts.extractors.append(node.name)
            if any(_text(base).endswith("Servicer") for base in node.bases):
                # a gRPC servicer extracting from `context.invocation_metadata()` itself
                self.facts.hook_registrations.append([bnd.EXTRACT, node.lineno])


def _is_wrapper_name(name: str) -> bool:
    lower = name.lower()
    return any(word in lower for word in inst.WRAPPER_WORDS)


def _subscript_key(node: ast.Subscript) -> Optional[ast.AST]:
    key = node.slice
    if isinstance(key, ast.Index):  # pragma: no cover - Python 3.8 ast shape
        key = key.value  # type: ignore[attr-defined]
    return key


@dataclass
class _Summary:
    """What a function or class body (nested scopes included) does, from one traversal."""

    node: ast.AST
    callees: list = field(default_factory=list)  # the `func` of every call
    calls: set = field(default_factory=set)  # their last names, once imports are known
    copies: bool = False  # calls copy_context()
    runs: bool = False  # mentions `.run`
    returns: bool = False  # returns a value
    returns_span: bool = False  # returns `....start_span(...)`, or a name bound to one
    span_names: set = field(default_factory=set)  # names bound to `....start_span(...)` here


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class _Scan:
    imports: list = field(default_factory=list)
    assignments: list = field(default_factory=list)  # Assign / AnnAssign with a value
    calls: list = field(default_factory=list)
    sequences: list = field(default_factory=list)  # tuple / list / set displays
    summaries: list = field(default_factory=list)


def _is_span_start(value: ast.AST) -> bool:
    return isinstance(value, ast.Call) and _callee_name(value) == "start_span"


def _scan(tree: ast.AST) -> _Scan:
    """The nodes the extraction needs, in source order, and a summary per function and
    class, from one traversal (walking each function again would cost a walk per
    nesting level; this is the hot loop of the project pass)."""
    scan = _Scan()
    stack: list[tuple[ast.AST, tuple[_Summary, ...]]] = [(tree, ())]
    pop, push = stack.pop, stack.append
    while stack:
        node, frames = pop()
        kind = type(node)
        if kind is ast.Call:
            scan.calls.append(node)
            func = node.func
            if frames and isinstance(func, (ast.Name, ast.Attribute)):
                copies = _callee_name(node) == "copy_context"
                for frame in frames:
                    frame.callees.append(func)
                    frame.copies = frame.copies or copies
        elif kind is ast.Attribute:
            if frames and node.attr == "run":  # type: ignore[attr-defined]
                for frame in frames:
                    frame.runs = True
        elif kind is ast.Name or kind is ast.Load or kind is ast.Store:
            continue  # leaves
        elif kind in _SCOPES:
            summary = _Summary(node)
            scan.summaries.append(summary)
            frames = (*frames, summary)
        elif kind is ast.Return:
            value = node.value  # type: ignore[attr-defined]
            if frames and value is not None:
                span = _is_span_start(value) or (isinstance(value, ast.Name) and value.id in frames[-1].span_names)
                for frame in frames:
                    frame.returns = True
                    frame.returns_span = frame.returns_span or span
        elif kind is ast.Import or kind is ast.ImportFrom:
            scan.imports.append(node)
            continue
        elif kind is ast.Assign or kind is ast.AnnAssign:
            if node.value is not None:  # type: ignore[attr-defined]
                scan.assignments.append(node)
                if frames and _is_span_start(node.value):  # type: ignore[attr-defined]
                    targets = node.targets if kind is ast.Assign else [node.target]  # type: ignore[attr-defined]
                    frames[-1].span_names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif kind is ast.Tuple or kind is ast.List or kind is ast.Set:
            scan.sequences.append(node)
        elif kind is ast.Constant:
            continue
        children = []
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                children.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                children.append(value)
        for child in reversed(children):  # popped in source order
            push((child, frames))
    return scan


def _callee_name(node: ast.Call) -> Optional[str]:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


_IMPORT_RE = re.compile(rb"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w., \t]+))", re.MULTILINE)


def _used_libraries(source: bytes) -> list[str]:
    modules: set[str] = set()
    for match in _IMPORT_RE.finditer(source):
        if match.group(1):
            modules.add(match.group(1).decode("ascii", "replace"))
        else:
            for part in match.group(2).decode("ascii", "replace").split(","):
                words = part.split()
                if words:
                    modules.add(words[0])
    used = set()
    for prefix, token, library in inst.USED_LIBRARIES:
        for module in modules:
            if token:
                if module == prefix and token.encode() in source:
                    used.add(library)
            elif module == prefix or module.startswith(prefix + "."):
                used.add(library)
    return sorted(used)


def extract_python_facts(source: bytes) -> FileFacts:
    facts = FileFacts(used=_used_libraries(source))
    if not any(token in source for token in _PY_TOKENS):
        return facts
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return facts
    _PythonFacts(facts, tree).run()
    return facts


# ---------------------------------------------------------------------------- launch files

_AUTO_RE = re.compile(r"(?<![\w.-])" + re.escape(inst.AUTO_INSTRUMENT_COMMAND) + r"(?![\w-])")
_VALUE = r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'#;]+)"
# NAME=value, NAME: value, NAME ?= value, `ENV NAME value`; or NAME alone at the end of
# the line (Kubernetes `- name: NAME` with `value:` on the next line)
_DISABLED_RE = re.compile(
    re.escape(inst.DISABLED_ENV) + r"\b[\"']?(?:(?:\s*(?:[?:+]?=|:)\s*|[ \t]+)" + _VALUE + r"|\s*$)"
)
_DISABLED_FLAG_RE = re.compile(re.escape(inst.DISABLED_FLAG) + r"(?:=|\s+)" + _VALUE)
_K8S_VALUE_RE = re.compile(r"^\s*-?\s*value:\s*" + _VALUE)


def extract_launch_facts(text: str) -> FileFacts:
    """`opentelemetry-instrument` and disabled instrumentations in a launch file
    (Dockerfile, Procfile, shell script, Makefile, compose/Kubernetes YAML, TOML scripts)."""
    facts = FileFacts()
    pending_value = False  # Kubernetes: `- name: OTEL_...` then `value: ...` on the next line
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("#", ";", "//")):
            continue
        if pending_value:
            pending_value = False
            match = _K8S_VALUE_RE.match(line)
            if match:
                facts.disabled.extend([name, number] for name in _split_names(match.group("value")))
                continue
        if facts.auto_instrumentation is None and _AUTO_RE.search(line):
            facts.auto_instrumentation = number
        for regex in (_DISABLED_RE, _DISABLED_FLAG_RE):
            for match in regex.finditer(line):
                value = match.group("value")
                if value:
                    facts.disabled.extend([name, number] for name in _split_names(value))
                elif regex is _DISABLED_RE:
                    pending_value = True
    return facts


def _launch_kind(name: str) -> Optional[str]:
    """"named" for a known launch file (Dockerfile, Procfile, `*.sh`, `*.yaml`, ...),
    "script" for an extension-less file that is one if it has a shebang, else None."""
    lower = name.lower()
    if lower.startswith(inst.LAUNCH_FILE_PREFIXES):
        return "named"
    if lower.endswith(inst.LAUNCH_FILE_SUFFIXES):
        return "named" if not lower.startswith(".") or lower.endswith(".env") else None
    return "script" if "." not in lower else None


# ---------------------------------------------------------------------------- the pass


def _is_config_root(directory: Path) -> bool:
    """Whether `directory` holds its own ctxlint configuration (a nested project)."""
    from ctxlint.config import CONFIG_NAMES, _load_toml, _table_of
    from ctxlint.settings import UsageError

    for name in CONFIG_NAMES:
        candidate = directory / name
        if os.path.isfile(candidate):
            try:
                if _table_of(candidate, _load_toml(candidate)) is not None:
                    return True
            except UsageError:
                continue
    return False


def _project_files(root: Path, settings: Settings) -> Iterable[tuple[Path, bool]]:
    """(path, is_python) for first-party files under root, honouring ignores and skipping
    nested projects (directories with their own ctxlint config have their own facts)."""
    from ctxlint.discovery import PYTHON_SUFFIXES, exclude_spec, walk_files

    def wanted(name: str) -> bool:
        return name.endswith(PYTHON_SUFFIXES) or _launch_kind(name) is not None

    nested: dict[Path, bool] = {root: False}

    def inside_nested(directory: Path) -> bool:
        if directory in nested:
            return nested[directory]
        answer = inside_nested(directory.parent) or _is_config_root(directory)
        nested[directory] = answer
        return answer

    for path in walk_files(root, root, exclude_spec(settings), lambda message: None, wanted):
        if path.parent != root and root in path.parents and inside_nested(path.parent):
            continue
        yield path, path.name.endswith(PYTHON_SUFFIXES)


def _extract(path: Path, data: bytes, is_python: bool) -> FileFacts:
    if is_python:
        return extract_python_facts(data)
    if len(data) > _MAX_LAUNCH_FILE_BYTES:
        return FileFacts()
    if _launch_kind(path.name) == "script" and not data.startswith(b"#!"):
        return FileFacts()
    return extract_launch_facts(data.decode("utf-8", errors="replace"))


_MEMO: dict[tuple, ProjectFacts] = {}


def _cache_file(cache_dir: Path, root: Path) -> Path:
    tag = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    return cache_dir / f"facts-{build_fingerprint()}-{FACTS_VERSION}-{tag}.json"


def compute_facts(settings: Settings, cache_dir: Optional[Path]) -> ProjectFacts:
    """The project's facts. Each file's extraction is cached by (mtime, size), then by
    content hash, so a run re-reads only files that changed since the last one."""
    root = Path(settings.root)
    cache_file = _cache_file(cache_dir, root) if cache_dir else None
    cached: dict = {}
    if cache_file is not None and os.path.isfile(cache_file):
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
    entries: dict[str, list] = {}
    changed = False
    now = time.time()
    for path, is_python in _project_files(root, settings):
        try:
            stat = path.stat()
        except OSError:
            continue
        relative = path.relative_to(root).as_posix()
        previous = cached.get(relative)
        signature = [stat.st_mtime_ns, stat.st_size]
        if previous is not None and previous[0] == signature:
            entries[relative] = previous
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest = hashlib.sha256(data).hexdigest()
        if now - stat.st_mtime < _RACY_SECONDS:
            signature = None  # may change again within this timestamp tick: re-read next time
        if previous is not None and previous[1] == digest:
            facts_data = previous[2]
        else:
            facts_data = asdict(_extract(path, data, is_python))
        entries[relative] = [signature, digest, facts_data]
        changed = changed or previous != entries[relative]
    if cache_file is not None and (changed or set(entries) != set(cached)):
        _write_json(cache_file, entries)
    facts = merge_facts(
        ((relative, FileFacts(**entry[2])) for relative, entry in sorted(entries.items())),
        settings,
    )
    _MEMO[(str(root), settings.fingerprint())] = facts
    return facts


def merge_facts(files: Iterable[tuple[str, FileFacts]], settings: Settings) -> ProjectFacts:
    facts = ProjectFacts()
    wrappers: set[str] = {name.split(".")[-1] for name in settings.context_wrappers}
    factories: set[str] = set()
    injectors: set[str] = set()
    extractors: set[str] = set()
    hooks: list[tuple[str, str]] = []
    used: set[str] = set()
    provider_places: list[str] = []
    for relative, file_facts in files:
        if file_facts.imports_opentelemetry and not facts.opentelemetry:
            facts.opentelemetry, facts.opentelemetry_where = True, relative
        for library, line, objects, kind, form in file_facts.instrumentations:
            facts.instrumented.setdefault(library, []).append(
                Instrumentation(library, f"{relative}:{line}", tuple(objects), kind, form)
            )
        if file_facts.provider_set is not None:
            provider_places.append(f"{relative}:{file_facts.provider_set}")
        if file_facts.auto_instrumentation is not None and facts.auto_instrumentation is None:
            facts.auto_instrumentation = f"{relative}:{file_facts.auto_instrumentation}"
        for name, line in file_facts.disabled:
            facts.disabled_where.setdefault(name, f"{relative}:{line}")
        for name, line in file_facts.context_vars:
            facts.context_vars.setdefault(name, f"{relative}:{line}")
        wrappers.update(file_facts.context_wrappers)
        factories.update(file_facts.span_factories)
        injectors.update(file_facts.injectors)
        extractors.update(file_facts.extractors)
        hooks.extend((name, f"{relative}:{line}") for name, line in file_facts.hook_registrations)
        used.update(file_facts.used)
    facts.server_extraction = next((where for name, where in hooks if name in extractors | {bnd.EXTRACT}), None)
    if settings.auto_instrumentation and facts.auto_instrumentation is None:
        facts.auto_instrumentation = "config"
    if facts.auto_instrumentation and not facts.opentelemetry:
        # a service launched under opentelemetry-instrument is traced without importing it
        facts.opentelemetry, facts.opentelemetry_where = True, f"auto-instrumentation, {facts.auto_instrumentation}"
    if settings.opentelemetry != "auto":
        facts.opentelemetry = settings.opentelemetry == "yes"
        facts.opentelemetry_where = "config" if facts.opentelemetry else None
    for library in settings.instrumented:
        facts.instrumented.setdefault(library, []).insert(0, Instrumentation(library, "config", kind="config"))
    facts.tracing_setup = _tracing_setup(facts, settings, provider_places)
    facts.disabled = tuple(sorted(facts.disabled_where))
    facts.context_wrappers = frozenset(wrappers)
    facts.span_factories = frozenset(factories)
    facts.injectors = frozenset(injectors)
    facts.extractors = frozenset(extractors)
    facts.used_libraries = tuple(sorted(used))
    return facts


def _tracing_setup(facts: ProjectFacts, settings: Settings, provider_places: list[str]) -> Optional[str]:
    """Where the project sets up tracing for its own process, the evidence that it is the
    application deciding instrumentation (so a library missing from the inventory is
    really uninstrumented). Objects handed to tracing-named helpers are not evidence:
    that match is by name only."""
    if settings.opentelemetry == "yes":
        return "config"
    places = provider_places + [
        record.where
        for library, records in facts.instrumented.items()
        if library != inst.WRAPPER_LIBRARY
        for record in records
    ]
    if facts.auto_instrumentation:
        places.append(facts.auto_instrumentation)
    return min(places) if places else None


def cached_facts(settings: Settings, cache_dir: Optional[Path]) -> ProjectFacts:
    """In-process memo over `compute_facts` (the flake8 plugin calls this per file)."""
    key = (str(Path(settings.root)), settings.fingerprint())
    facts = _MEMO.get(key)
    return facts if facts is not None else compute_facts(settings, cache_dir)


def _write_json(path: Path, data: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        marker = path.parent / ".gitignore"
        if not os.path.exists(marker):
            marker.write_text("# created by ctxlint\n*\n", encoding="utf-8")
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
