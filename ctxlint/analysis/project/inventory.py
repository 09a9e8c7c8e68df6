"""What is instrumented: instrumentor calls, middleware, tracing helpers, and
auto-instrumentation in launch files."""

from __future__ import annotations

import ast
import re
from typing import Optional

from ctxlint.analysis.project.facts import FileFacts
from ctxlint.analysis.project.scan import (
    Scan,
    callee_name,
    dotted_text,
    first_argument,
    scan_tree,
    split_names,
    string_value,
    subscript_key,
)
from ctxlint.analysis.project.wrappers import record_class, record_function
from ctxlint.semantics import boundaries as bnd
from ctxlint.semantics import context_readers as readers
from ctxlint.semantics import instrumentation as inst

_MIDDLEWARE_NAMES = frozenset({inst.MIDDLEWARE_CLASS, inst.AIOHTTP_SERVER_MIDDLEWARE.rsplit(".", 1)[-1]})


class InventoryScan:
    """One file's instrumentation facts from its `ast` (a few linear passes, no resolution beyond imports)."""

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
        scan = scan_tree(self.tree)
        for node in scan.imports:
            self._import(node)
        for node in scan.assignments:
            self._assignment(node)
        for node in scan.calls:
            self._call(node)
        for summary in scan.summaries:
            summary.calls = {self._last(func) for func in summary.callees}
            if isinstance(summary.node, ast.ClassDef):
                record_class(self.facts, summary.node, summary)
            else:
                record_function(self.facts, summary.node, summary)
        self._leftover_instrumentors(scan)
        self._provider_set(self.tree.body)

    def _provider_set(self, statements: list) -> None:
        """A `set_tracer_provider(...)` run at import time: only an application sets the
        global provider of its process on import (libraries do it in functions their
        users call, if at all)."""
        for statement in statements:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                if callee_name(statement.value) == "set_tracer_provider":
                    if self.facts.provider_set is None:
                        self.facts.provider_set = statement.lineno
            elif isinstance(statement, (ast.If, ast.Try, ast.With)):
                for block in (statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])):
                    self._provider_set(block)

    # ------------------------------------------------------------ names

    def _import(self, node: ast.AST) -> None:
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if any(name.split(".")[0] == "sentry_sdk" for name in names) and self.facts.imports_sentry is None:
            self.facts.imports_sentry = node.lineno
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
        text = dotted_text(node)
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
            if isinstance(target, ast.Subscript) and string_value(subscript_key(target)) == inst.DISABLED_ENV:
                value_text = string_value(value)
                if value_text is not None:
                    self._disable(value_text, node.lineno)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if self._path(func) == readers.SENTRY_INIT and self.facts.sentry_init is None:
            defaults = next((kw.value for kw in node.keywords if kw.arg == readers.SENTRY_NO_DEFAULTS), None)
            if not (isinstance(defaults, ast.Constant) and defaults.value is False):
                self.facts.sentry_init = node.lineno
        if isinstance(func, ast.Attribute):
            self.used_as_receiver.add(id(func.value))
            if self._instrumentor_method(node, func):
                return
            if func.attr in inst.LOGFIRE_METHODS and self._path(func.value) == "logfire":
                library, per_object = inst.LOGFIRE_METHODS[func.attr]
                argument = first_argument(node) if per_object else None
                if argument is None:
                    self._record(library, node.lineno, [], "global", f"logfire.{func.attr}()")
                else:
                    self._record(library, node.lineno, self._object(argument), "object", f"logfire.{func.attr}(...)")
                return
            first = node.args[0] if node.args else None
            if func.attr in ("setdefault", "putenv") and string_value(first) == inst.DISABLED_ENV:
                value = string_value(node.args[1]) if len(node.args) > 1 else None
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
                self._record(kind, node.lineno, self._object(first_argument(node)), "object", name)
        elif name == inst.AUTO_INSTRUMENTATION_CALL and self._path(func).endswith(
            f"{inst.AUTO_INSTRUMENTATION_MODULE.rsplit('.', 1)[-1]}.{inst.AUTO_INSTRUMENTATION_CALL}"
        ):
            self._auto(node.lineno)
        elif name in inst.DISTRO_CALLS:
            for library in inst.DISTRO_CALLS[name]:
                self._record(library, node.lineno, [], "global", f"{name}()")
        elif name in inst.ENTRY_POINT_LOADERS and any(
            string_value(a) == inst.INSTRUMENTOR_ENTRY_POINT_GROUP for a in [*node.args, *(kw.value for kw in node.keywords)]
        ):
            # `entry_points(group="opentelemetry_instrumentor")`: loading every instrumentor
            # is what auto-instrumentation does
            self._auto(node.lineno)
        elif name == "ContextVar":
            self.facts.context_vars.append([string_value(node.args[0] if node.args else None) or "<unnamed>", node.lineno])
        elif (
            node.args
            and isinstance(node.args[0], (ast.Name, ast.Attribute))
            # `Instrumentator().instrument(app)` (prometheus-fastapi-instrumentator) is metrics
            and not (isinstance(func, ast.Attribute) and func.attr in inst.GLOBAL_METHODS)
            and (is_wrapper_name(name) or self._path(func).startswith(inst.WRAPPER_MODULES))
        ):
            self._record(inst.WRAPPER_LIBRARY, node.lineno, self._object(node.args[0]), "object", f"{name}(...)")
        elif isinstance(func, ast.Attribute) and any(
            isinstance(a, (ast.Name, ast.Attribute)) and is_wrapper_name(self._last(a)) for a in node.args
        ):
            # `app.add_middleware(TracingMiddleware)`, `app.middlewares.append(tracing_middleware)`
            self._record(inst.WRAPPER_LIBRARY, node.lineno, self._object(func.value), "object", f"{dotted_text(func)}(...)")
        # `app.add_middleware(OpenTelemetryMiddleware)`, `app.middlewares.append(middleware)`,
        # `Middleware(OpenTelemetryMiddleware)`: the middleware passed, not called
        for argument in [*node.args, *(kw.value for kw in node.keywords)]:
            if not isinstance(argument, (ast.Name, ast.Attribute)) or self._last(argument) not in _MIDDLEWARE_NAMES:
                continue
            for kind in self._middleware_reference(argument):
                form = f"{dotted_text(func)}({dotted_text(argument)})"
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
            self._record(library, node.lineno, self._object(first_argument(node)), "object", f"{cls}.{func.attr}(...)")
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

    def _leftover_instrumentors(self, scan: Scan) -> None:
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
        self.facts.disabled.extend([name, line] for name in split_names(value))


def is_wrapper_name(name: str) -> bool:
    lower = name.lower()
    return any(word in lower for word in inst.WRAPPER_WORDS)

_IMPORT_RE = re.compile(rb"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w., \t]+))", re.MULTILINE)

_USED_ROOTS = tuple(sorted({prefix.split(".")[0].encode() for prefix, _token, _library in inst.USED_LIBRARIES}))


def used_libraries(source: bytes) -> list[str]:
    if not any(root in source for root in _USED_ROOTS):
        return []  # (most files: the import lines need no reading)
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
                facts.disabled.extend([name, number] for name in split_names(match.group("value")))
                continue
        if facts.auto_instrumentation is None and _AUTO_RE.search(line):
            facts.auto_instrumentation = number
        for regex in (_DISABLED_RE, _DISABLED_FLAG_RE):
            for match in regex.finditer(line):
                value = match.group("value")
                if value:
                    facts.disabled.extend([name, number] for name in split_names(value))
                elif regex is _DISABLED_RE:
                    pending_value = True
    return facts

def launch_kind(name: str) -> Optional[str]:
    """"named" for a known launch file (Dockerfile, Procfile, `*.sh`, `*.yaml`, ...),
    "script" for an extension-less file that is one if it has a shebang, else None."""
    lower = name.lower()
    if lower.startswith(inst.LAUNCH_FILE_PREFIXES):
        return "named"
    if lower.endswith(inst.LAUNCH_FILE_SUFFIXES):
        return "named" if not lower.startswith(".") or lower.endswith(".env") else None
    return "script" if "." not in lower else None
