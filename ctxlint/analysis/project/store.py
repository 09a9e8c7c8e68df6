"""Which files make up the project, the per-file facts cache, and the merge.

Extraction uses `ast` on the few files whose text mentions a relevant token, so it costs
a fraction of one LibCST parse, and each file's facts are cached by (mtime, size) and
content hash: a single-file run re-reads only what changed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from ctxlint.analysis.project.facts import FileFacts, Instrumentation, ProjectFacts
from ctxlint.analysis.project.inventory import (
    InventoryScan,
    extract_launch_facts,
    launch_kind,
    used_libraries,
)
from ctxlint.build import build_fingerprint
from ctxlint.config_files import CONFIG_NAMES, ctxlint_table, load_toml
from ctxlint.discovery import PYTHON_SUFFIXES, exclude_spec, walk_files
from ctxlint.errors import UsageError
from ctxlint.semantics import boundaries as bnd
from ctxlint.semantics import instrumentation as inst

if TYPE_CHECKING:
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

def extract_python_facts(source: bytes) -> FileFacts:
    facts = FileFacts(used=used_libraries(source))
    if not any(token in source for token in _PY_TOKENS):
        return facts
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return facts
    InventoryScan(facts, tree).run()
    return facts

def _is_config_root(directory: Path) -> bool:
    """Whether `directory` holds its own ctxlint configuration (a nested project)."""

    for name in CONFIG_NAMES:
        candidate = directory / name
        if os.path.isfile(candidate):
            try:
                if ctxlint_table(candidate, load_toml(candidate)) is not None:
                    return True
            except UsageError:
                continue
    return False

def _project_files(root: Path, settings: Settings) -> Iterable[tuple[Path, bool]]:
    """(path, is_python) for first-party files under root, honouring ignores and skipping
    nested projects (directories with their own ctxlint config have their own facts)."""
    def wanted(name: str) -> bool:
        return name.endswith(PYTHON_SUFFIXES) or launch_kind(name) is not None

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
    if launch_kind(path.name) == "script" and not data.startswith(b"#!"):
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
