"""What the language server knows about the projects it lints: each file's settings, each
project's facts (kept warm), and one document's lint. No LSP here (`protocol.py` is the
adapter), and no rule logic: a document is linted by `runner.lint_and_fix`, as the CLI
lints a file.

Project facts are computed once per project root (the directory of the config file, as
for the CLI) and kept. An edit never recomputes them. A save does only when the saved
file's own facts changed (a new `ContextVar`, an instrumentor, an import), when a launch
file (Dockerfile, Procfile, ...) changed, or when a config file changed; the caller then
re-lints the open documents of the projects whose facts changed.

Every method runs on the server's one lint thread, one call at a time, so nothing here
needs a lock.
"""

from __future__ import annotations

import io
import os
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Union

from ctxlint.analysis.project import (
    FileFacts,
    ProjectFacts,
    compute_facts,
    extract_python_facts,
)
from ctxlint.analysis.project.inventory import launch_kind
from ctxlint.config import ConfigResolver
from ctxlint.config_files import CONFIG_NAMES
from ctxlint.discovery import PYTHON_SUFFIXES
from ctxlint.errors import UsageError
from ctxlint.findings import Finding, Location
from ctxlint.runner import display_name, lint_and_fix
from ctxlint.settings import Settings, validate_selectors
from ctxlint.source import DecodeError, decode

CACHE_DIRECTORY = ".ctxlint_cache"  # in the project root, as for the CLI and flake8
CONFIG_ERROR = "CTX002"  # as the flake8 plugin reports a broken configuration

# initializationOptions, with ruff's names (camelCase as in ruff's editor settings, or
# as in its config): the override each one sets.
_OPTIONS = {
    "preview": "preview",
    "select": "select",
    "extendSelect": "extend_select",
    "extend-select": "extend_select",
    "extend_select": "extend_select",
    "ignore": "ignore",
}


def parse_options(raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Settings overrides from the client's `initializationOptions`, and what was wrong
    with them (each bad option is reported and left out; the others still apply).

    The options may be given at the top level (`{"preview": true}`), or nested as ruff's
    editor integrations nest them (`{"settings": {"lint": {"select": [...]}}}`).
    """
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, ["initializationOptions must be a JSON object; ignored"]
    layers = [raw]
    if isinstance(raw.get("settings"), dict):
        layers.append(raw["settings"])
    layers.extend(layer["lint"] for layer in list(layers) if isinstance(layer.get("lint"), dict))
    given: dict[str, tuple[str, Any]] = {}
    for layer in layers:
        for key, value in layer.items():
            if key in _OPTIONS:
                given[_OPTIONS[key]] = (key, value)
    overrides: dict[str, Any] = {}
    problems: list[str] = []
    for name, (key, value) in given.items():
        where = f"initializationOptions {key}"
        if name == "preview":
            if isinstance(value, bool):
                overrides[name] = value
            else:
                problems.append(f"{where} must be true or false; ignored")
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            problems.append(f"{where} must be a list of rule codes or prefixes; ignored")
            continue
        codes = [code.strip().upper() for item in value for code in item.split(",") if code.strip()]
        try:
            validate_selectors(codes, where)
        except UsageError as exc:
            problems.append(f"{exc}; ignored")
            continue
        overrides[name] = codes
    return overrides, problems


@dataclass
class Linted:
    """One lint of one version of a document."""

    text: str
    findings: list[Finding]
    fixed_text: Optional[str] = None  # with a fix mode: the text once every fix is applied
    problem: Optional[str] = None  # a configuration error (reported as a finding too)


_Missing = object()


@dataclass
class Projects:
    """Settings and facts for the files of the workspace folders (and any other file)."""

    folders: list[Path]
    overrides: dict[str, Any] = field(default_factory=dict)
    log: Callable[[str], None] = lambda message: None
    _resolvers: dict[Path, ConfigResolver] = field(default_factory=dict)
    _facts: dict[tuple[str, str], ProjectFacts] = field(default_factory=dict)
    _settings: dict[tuple[str, str], Settings] = field(default_factory=dict)
    # Each Python file's own facts as last seen on disk (open and save), to tell whether
    # a save changed the project's facts.
    _file_facts: dict[Path, Optional[FileFacts]] = field(default_factory=dict)
    # Each config file in use and its (mtime, size): an edit made outside the editor, in
    # a client that does not watch files, is seen at the next lint.
    _configs: dict[str, Optional[tuple[int, int]]] = field(default_factory=dict)
    reloads: int = 0

    # ------------------------------------------------------------------ settings

    def settings_for(self, path: Path) -> Settings:
        """The file's settings, as `ctxlint check` resolves them; raises `UsageError`."""
        if any(_stamp(config) != stamp for config, stamp in self._configs.items()):
            self.log("a config file changed: settings and project facts are computed again")
            self.reload()
        settings = self._resolver(path).settings_for(path)
        if settings.config_file is not None and settings.config_file not in self._configs:
            self._configs[settings.config_file] = _stamp(settings.config_file)
        return settings

    def _resolver(self, path: Path) -> ConfigResolver:
        """One resolver per workspace folder: a project without a config file (or git
        repository) is rooted at the folder, as `ctxlint check .` run there would root it.
        A file outside every folder is rooted at its own directory."""
        absolute = path.absolute()
        inside = [folder for folder in self.folders if folder == absolute or folder in absolute.parents]
        base = max(inside, key=lambda folder: len(folder.parts)) if inside else absolute.parent
        resolver = self._resolvers.get(base)
        if resolver is None:
            resolver = self._resolvers[base] = ConfigResolver([base], None, self.overrides)
        return resolver

    def reload(self) -> None:
        """A config file changed: resolve settings and compute facts afresh."""
        self._resolvers.clear()
        self._facts.clear()
        self._settings.clear()
        self._configs.clear()
        self.reloads += 1

    # ------------------------------------------------------------------ facts

    def facts_for(self, settings: Settings) -> ProjectFacts:
        key = (settings.root, settings.fingerprint())
        facts = self._facts.get(key)
        if facts is None:
            facts = self._compute(settings)
            self._facts[key], self._settings[key] = facts, settings
        return facts

    def _compute(self, settings: Settings) -> ProjectFacts:
        started = time.perf_counter()
        facts = compute_facts(settings, Path(settings.root) / CACHE_DIRECTORY)
        elapsed = (time.perf_counter() - started) * 1000
        self.log(f"project facts computed for {settings.root} in {elapsed:.0f} ms")
        return facts

    def remember(self, path: Path) -> None:
        """Note the facts of a file as it is on disk (when it is opened)."""
        if path.name.endswith(PYTHON_SUFFIXES) and path not in self._file_facts:
            self._file_facts[path] = _facts_on_disk(path)

    def changed(self, paths: list[Path]) -> Optional[set[str]]:
        """Files were saved (or changed on disk): the roots of the projects whose facts
        changed, whose open documents must be linted again; None when a config file
        changed (every document must be)."""
        if any(path.name in CONFIG_NAMES for path in paths):
            self.log("a config file changed: settings and project facts are computed again")
            self.reload()
            return None
        stale: set[str] = set()
        for path in paths:
            if path.name.endswith(PYTHON_SUFFIXES):
                now = _facts_on_disk(path)
                before = self._file_facts.get(path, _Missing)
                self._file_facts[path] = now
                if before == now:
                    continue  # an edit that no fact depends on
            elif launch_kind(path.name) is None:
                continue
            stale.update(self._roots_of(path))
        changed: set[str] = set()
        for key in [key for key in self._facts if key[0] in stale]:
            facts = self._compute(self._settings[key])
            if facts.fingerprint() != self._facts[key].fingerprint():
                changed.add(key[0])
            self._facts[key] = facts
        return changed

    def _roots_of(self, path: Path) -> set[str]:
        try:
            return {self.settings_for(path).root}
        except UsageError:  # a broken config: the projects above the file, to be safe
            absolute = path.absolute()
            return {root for root, _ in self._facts if Path(root) in absolute.parents}

    # ------------------------------------------------------------------ linting

    def lint(self, path: Path, text: str, fix: Optional[str] = None) -> Linted:
        """Lint a document's text as `ctxlint check` lints the file: same settings, same
        facts, same engine. When the text is what the file holds on disk, the file's own
        bytes are linted (so its encoding is read exactly as the CLI reads it)."""
        filename = display_name(path)
        try:
            settings = self.settings_for(path)
        except UsageError as exc:
            message = f"ctxlint configuration error: {exc}"
            return Linted(
                text,
                [Finding(CONFIG_ERROR, "internal-error", message, filename, Location(1, 1, 1, 1))],
                problem=str(exc),
            )
        facts = self.facts_for(settings)
        result, _ = lint_and_fix(
            _bytes_for(path, text), filename, settings, facts, fix, True, _relative(path, settings)
        )
        fixed = None
        if result.fixed is not None:
            try:
                fixed = decode(result.fixed).text
            except DecodeError:
                fixed = None
        return Linted(text, result.findings, fixed)


def _relative(path: Path, settings: Settings) -> str:
    """The path `per-file-ignores` matches: relative to the project root (as the runner)."""
    try:
        return path.absolute().relative_to(Path(settings.root)).as_posix()
    except ValueError:
        return display_name(path)


def _stamp(path: str) -> Optional[tuple[int, int]]:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _facts_on_disk(path: Path) -> Optional[FileFacts]:
    try:
        return extract_python_facts(path.read_bytes())
    except OSError:
        return None


def _bytes_for(path: Path, text: str) -> bytes:
    """The file's bytes when the document holds what is on disk, else the text encoded
    as its coding cookie says (UTF-8 by default)."""
    try:
        disk: Optional[bytes] = path.read_bytes()
    except OSError:
        disk = None
    if disk is not None:
        try:
            if decode(disk).text == text:
                return disk
        except DecodeError:
            # An editor shows undecodable bytes as U+FFFD; the CLI reports them (CTX001).
            if disk.decode("utf-8", "replace") == text:
                return disk
    return encode_text(text)


def encode_text(text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return data  # an unknown codec in the cookie: the engine reports it (CTX001)
    if encoding in ("utf-8", "utf-8-sig"):
        return data
    try:
        return text.encode(encoding)
    except (LookupError, UnicodeError):
        return data


def path_is_python(path: Union[Path, str], language: Optional[str] = None) -> bool:
    return language == "python" or str(path).endswith(PYTHON_SUFFIXES)
