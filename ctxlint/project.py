"""Project-wide facts, computed once per project root and cached on disk.

Facts: whether first-party code imports OpenTelemetry; which libraries are instrumented
(instrumentor calls, per-object instrumentation, auto-instrumentation in launch files);
which `ContextVar`s the project defines; which project functions are context wrappers
(return a callable running in `copy_context()`) or span factories (return
`tracer.start_span(...)`). Extraction uses `ast` on the few files whose text mentions a
relevant token, so it costs a fraction of one LibCST parse.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ctxlint import __version__
from ctxlint.semantics import instrumentation as inst
from ctxlint.settings import Settings

FACTS_VERSION = 1
_PY_TOKENS = (
    b"opentelemetry", b"Instrumentor", b"copy_context", b"ContextVar", b"start_span",
    b"OpenTelemetry", b"create_trace_config", b"interceptor", b"initialize",
)


@dataclass
class Instrumentation:
    library: str  # entry-point name
    where: str  # "path:line", "auto-instrumentation (Dockerfile:9)" or "config"
    objects: tuple[str, ...] = ()  # per-object forms: the names of the instrumented objects

    @property
    def is_global(self) -> bool:
        return not self.objects


@dataclass
class FileFacts:
    """What one file contributes (serialisable, cached by content hash)."""

    imports_opentelemetry: bool = False
    instrumentations: list[tuple[str, int, list[str]]] = field(default_factory=list)
    auto_instrumentation: Optional[int] = None  # line of initialize() / launcher
    disabled: list[str] = field(default_factory=list)
    context_vars: list[tuple[str, int]] = field(default_factory=list)
    context_wrappers: list[str] = field(default_factory=list)
    span_factories: list[str] = field(default_factory=list)


@dataclass
class ProjectFacts:
    opentelemetry: bool = False
    opentelemetry_where: Optional[str] = None
    instrumented: dict[str, list[Instrumentation]] = field(default_factory=dict)
    auto_instrumentation: Optional[str] = None
    disabled: tuple[str, ...] = ()
    context_vars: dict[str, str] = field(default_factory=dict)
    context_wrappers: frozenset[str] = frozenset()
    span_factories: frozenset[str] = frozenset()

    def instrumentation(self, library: str) -> Optional[Instrumentation]:
        """How `library` (an entry-point name) is instrumented globally, if it is."""
        for record in self.instrumented.get(library, ()):
            if record.is_global:
                return record
        if self.auto_instrumentation and library not in self.disabled and "*" not in self.disabled:
            return Instrumentation(library, f"auto-instrumentation ({self.auto_instrumentation})")
        return None

    def instrumented_objects(self, library: str) -> set[str]:
        """Names of objects instrumented one by one (`instrument_app(app)`, ...)."""
        return {name for record in self.instrumented.get(library, ()) for name in record.objects}

    def fingerprint(self) -> str:
        data = asdict(self)
        data["context_wrappers"] = sorted(self.context_wrappers)
        data["span_factories"] = sorted(self.span_factories)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def describe(self) -> list[str]:
        """Lines for `--verbose`: why a rule did or did not fire."""
        lines = [
            "opentelemetry: "
            + (f"yes ({self.opentelemetry_where})" if self.opentelemetry else "no"),
        ]
        instrumented = []
        for library in sorted(self.instrumented):
            for record in self.instrumented[library]:
                scope = "" if record.is_global else f" for {', '.join(record.objects)}"
                instrumented.append(f"{library}{scope} ({record.where})")
        if self.auto_instrumentation:
            disabled = f", disabled: {', '.join(self.disabled)}" if self.disabled else ""
            instrumented.append(f"everything via auto-instrumentation ({self.auto_instrumentation}{disabled})")
        lines.append("instrumented: " + (", ".join(instrumented) if instrumented else "nothing"))
        if self.opentelemetry:
            missing = sorted(
                lib for lib in set(inst.INSTRUMENTORS.values()) if self.instrumentation(lib) is None
            )
            lines.append("not instrumented: " + (", ".join(missing) if missing else "nothing"))
        lines.append(
            "context variables: "
            + (", ".join(f"{n} ({w})" for n, w in sorted(self.context_vars.items())) or "none")
        )
        lines.append("context wrappers: " + (", ".join(sorted(self.context_wrappers)) or "none"))
        lines.append("span factories: " + (", ".join(sorted(self.span_factories)) or "none"))
        return lines


# ---------------------------------------------------------------------------- extraction


def _call_name(node: ast.AST) -> Optional[str]:
    """The last name of a callee: `a.b.C()` -> "C", `C` -> "C"."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _arg_names(call: ast.Call) -> list[str]:
    names = []
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(arg, ast.Name):
            names.append(arg.id)
        elif isinstance(arg, ast.Attribute):
            names.append(ast.unparse(arg) if hasattr(ast, "unparse") else arg.attr)
    return names


def _is_context_wrapper(function: ast.AST) -> bool:
    """Returns something that runs a callable in a context captured by copy_context()."""
    copies = runs = returns = False
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _call_name(node) == "copy_context":
            copies = True
        elif isinstance(node, ast.Attribute) and node.attr == "run":
            runs = True
        elif isinstance(node, ast.Return) and node.value is not None:
            returns = True
    return copies and runs and returns


def _returns_started_span(function: ast.AST) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            if _call_name(node.value) == "start_span":
                return True
    return False


def extract_python_facts(source: bytes) -> FileFacts:
    facts = FileFacts()
    if not any(token in source for token in _PY_TOKENS):
        return facts
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return facts
    imports_auto = b"auto_instrumentation" in source
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name == "opentelemetry" or a.name.startswith("opentelemetry.") for a in node.names):
                facts.imports_opentelemetry = True
        elif isinstance(node, ast.ImportFrom):
            if node.module and (node.module == "opentelemetry" or node.module.startswith("opentelemetry.")):
                facts.imports_opentelemetry = True
        elif isinstance(node, ast.Call):
            _call_facts(node, facts, imports_auto)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if _is_context_wrapper(node):
                facts.context_wrappers.append(node.name)
            if _returns_started_span(node):
                facts.span_factories.append(node.name)
    return facts


def _call_facts(node: ast.Call, facts: FileFacts, imports_auto: bool) -> None:
    func = node.func
    name = _call_name(node)
    if isinstance(func, ast.Attribute) and (
        func.attr in inst.GLOBAL_METHODS or func.attr in inst.OBJECT_METHODS
    ):
        library = inst.INSTRUMENTORS.get(_call_name(func.value) or "")
        if library is not None:
            objects = _arg_names(node) if func.attr in inst.OBJECT_METHODS else []
            if func.attr in inst.OBJECT_METHODS and not objects:
                objects = ["<object>"]
            facts.instrumentations.append((library, node.lineno, objects))
    elif name in inst.OBJECT_INSTRUMENTATION_CALLS:
        facts.instrumentations.append((inst.OBJECT_INSTRUMENTATION_CALLS[name], node.lineno, ["<object>"]))
    elif name == "initialize" and imports_auto:
        facts.auto_instrumentation = node.lineno
    elif name == "ContextVar":
        facts.context_vars.append((_context_var_name(node), node.lineno))


def _context_var_name(node: ast.Call) -> str:
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return "<unnamed>"


_DISABLED_RE = re.compile(inst.DISABLED_ENV + r"""\s*[=:]\s*["']?([A-Za-z0-9_,\s*.-]*)""")


def extract_launch_facts(text: str) -> FileFacts:
    """`opentelemetry-instrument` and disabled instrumentations in a launch file."""
    facts = FileFacts()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        if inst.AUTO_INSTRUMENT_COMMAND in line and facts.auto_instrumentation is None:
            facts.auto_instrumentation = number
        match = _DISABLED_RE.search(line)
        if match:
            facts.disabled.extend(
                part.strip() for part in match.group(1).split(",") if part.strip()
            )
    return facts


def _is_launch_file(name: str) -> bool:
    if name.startswith(inst.LAUNCH_FILE_NAMES):
        return True
    return name.endswith(inst.LAUNCH_FILE_SUFFIXES) and not name.startswith(".")


# ---------------------------------------------------------------------------- the pass


def _project_files(root: Path, settings: Settings) -> Iterable[tuple[Path, bool]]:
    """(path, is_python) for first-party files under root, honouring ignores."""
    from ctxlint.discovery import PYTHON_SUFFIXES, exclude_spec, walk_files

    def wanted(name: str) -> bool:
        return name.endswith(PYTHON_SUFFIXES) or _is_launch_file(name)

    for path in walk_files(root, root, exclude_spec(settings), lambda message: None, wanted):
        yield path, path.name.endswith(PYTHON_SUFFIXES)


_MEMO: dict[tuple, ProjectFacts] = {}


def compute_facts(settings: Settings, cache_dir: Optional[Path]) -> ProjectFacts:
    """The project's facts; per-file extraction is cached by (mtime, size) and content hash."""
    root = Path(settings.root)
    key = (str(root), settings.fingerprint())
    cache_file = cache_dir / f"facts-{__version__}-{FACTS_VERSION}.json" if cache_dir else None
    cached: dict = {}
    if cache_file is not None and cache_file.is_file():
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
    entries: dict[str, list] = {}
    changed = False
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
        if is_python:
            file_facts = extract_python_facts(data)
        else:
            file_facts = extract_launch_facts(data.decode("utf-8", errors="replace"))
        entries[relative] = [signature, asdict(file_facts)]
        changed = True
    if changed or set(entries) != set(cached):
        if cache_file is not None:
            _write_json(cache_file, entries)
    facts = merge_facts(
        ((relative, FileFacts(**data)) for relative, (_sig, data) in sorted(entries.items())),
        settings,
    )
    _MEMO[key] = facts
    return facts


def merge_facts(files: Iterable[tuple[str, FileFacts]], settings: Settings) -> ProjectFacts:
    facts = ProjectFacts()
    wrappers: set[str] = {name.split(".")[-1] for name in settings.context_wrappers}
    factories: set[str] = set()
    disabled: list[str] = []
    for relative, file_facts in files:
        if file_facts.imports_opentelemetry and not facts.opentelemetry:
            facts.opentelemetry, facts.opentelemetry_where = True, relative
        for library, line, objects in file_facts.instrumentations:
            facts.instrumented.setdefault(library, []).append(
                Instrumentation(library, f"{relative}:{line}", tuple(objects))
            )
        if file_facts.auto_instrumentation is not None and facts.auto_instrumentation is None:
            facts.auto_instrumentation = f"{relative}:{file_facts.auto_instrumentation}"
        disabled.extend(file_facts.disabled)
        for name, line in file_facts.context_vars:
            facts.context_vars.setdefault(name, f"{relative}:{line}")
        wrappers.update(file_facts.context_wrappers)
        factories.update(file_facts.span_factories)
    if settings.opentelemetry != "auto":
        facts.opentelemetry = settings.opentelemetry == "yes"
        facts.opentelemetry_where = "config" if facts.opentelemetry else None
    if settings.auto_instrumentation and facts.auto_instrumentation is None:
        facts.auto_instrumentation = "config"
    for library in settings.instrumented:
        facts.instrumented.setdefault(library, []).insert(0, Instrumentation(library, "config"))
    facts.disabled = tuple(sorted(set(disabled)))
    facts.context_wrappers = frozenset(wrappers)
    facts.span_factories = frozenset(factories)
    return facts


def cached_facts(settings: Settings, cache_dir: Optional[Path]) -> ProjectFacts:
    """In-process memo over `compute_facts` (the flake8 plugin calls this per file)."""
    key = (str(Path(settings.root)), settings.fingerprint())
    facts = _MEMO.get(key)
    return facts if facts is not None else compute_facts(settings, cache_dir)


def _write_json(path: Path, data: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
