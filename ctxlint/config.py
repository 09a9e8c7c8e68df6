"""Find and validate `[tool.ctxlint]` configuration, and resolve it into `Settings`."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional, Sequence

from ctxlint.config_files import CONFIG_NAMES, ctxlint_table, load_toml
from ctxlint.errors import UsageError
from ctxlint.settings import (
    Settings,
    parse_target_version,
    validate_selectors,
)

_LIST_KEYS = {
    "select", "ignore", "extend-select", "exclude", "extend-exclude", "instrumented",
    "entry-point-decorators", "context-wrappers", "context-executors",
}
_BOOL_KEYS = {"preview", "auto-instrumentation", "force-exclude"}
_KNOWN_KEYS = _LIST_KEYS | _BOOL_KEYS | {"per-file-ignores", "target-version", "opentelemetry"}


def find_config(start: Path) -> tuple[Optional[Path], dict[str, Any], Optional[str]]:
    """Walk up from `start`: (config file, its ctxlint table, requires-python)."""
    requires_python: Optional[str] = None
    directory = start if os.path.isdir(start) else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not os.path.isfile(candidate):
                continue
            data = load_toml(candidate)
            if name == "pyproject.toml" and requires_python is None:
                project = data.get("project", {})
                if isinstance(project, dict) and isinstance(project.get("requires-python"), str):
                    requires_python = project["requires-python"]
            table = ctxlint_table(candidate, data)
            if table is not None:
                return candidate, table, requires_python
    return None, {}, requires_python


def load_config_file(path: Path) -> tuple[dict[str, Any], Optional[str]]:
    if not os.path.isfile(path):
        raise UsageError(f"{path}: config file not found")
    data = load_toml(path)
    table = ctxlint_table(path, data) or {}
    project = data.get("project", {})
    requires = project.get("requires-python") if isinstance(project, dict) else None
    return table, requires if isinstance(requires, str) else None


def _version_from_requires(spec: Optional[str]) -> Optional[tuple[int, int]]:
    """The lowest 3.x version allowed by a `requires-python` specifier."""
    if not spec:
        return None
    match = re.search(r">=?\s*3\.(\d+)", spec) or re.search(r"~=\s*3\.(\d+)", spec) or re.search(
        r"==\s*3\.(\d+)", spec
    )
    if not match:
        return None
    minor = int(match.group(1)) + (1 if re.search(r">\s*3\.\d+", spec) and ">=" not in spec else 0)
    return (3, min(max(minor, 9), 14))


def settings_from_table(
    table: dict[str, Any], where: str, requires_python: Optional[str] = None
) -> Settings:
    """Validate a `[tool.ctxlint]` table (unknown keys and wrong types are errors)."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KNOWN_KEYS:
            raise UsageError(f"{where}: unknown [tool.ctxlint] key {key!r}")
        attr = key.replace("-", "_")
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise UsageError(f"{where}: [tool.ctxlint] {key} must be a list of strings")
            values[attr] = tuple(value)
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise UsageError(f"{where}: [tool.ctxlint] {key} must be true or false")
            values[attr] = value
        elif key == "target-version":
            if not isinstance(value, str):
                raise UsageError(f"{where}: [tool.ctxlint] target-version must be a string like 'py311'")
            values[attr] = parse_target_version(value, where)
        elif key == "opentelemetry":
            if value not in ("auto", True, False):
                raise UsageError(f"{where}: [tool.ctxlint] opentelemetry must be \"auto\", true or false")
            values[attr] = {True: "yes", False: "no"}.get(value, "auto")
        elif key == "per-file-ignores":
            if not isinstance(value, dict) or not all(
                isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in value.values()
            ):
                raise UsageError(f"{where}: [tool.ctxlint] per-file-ignores must map globs to lists of codes")
            values[attr] = tuple((glob, tuple(codes)) for glob, codes in value.items())
    for key in ("select", "ignore", "extend_select"):
        validate_selectors(values.get(key, ()), where)
    for _glob, codes in values.get("per_file_ignores", ()):
        validate_selectors(codes, where)
    if "target_version" not in values:
        values["target_version"] = _version_from_requires(requires_python) or (3, 9)
    return Settings(**values)


def git_root(start: Path) -> Optional[Path]:
    for folder in (start, *start.parents):
        if os.path.exists(folder / ".git"):
            return folder
    return None


class ConfigResolver:
    """Settings for each linted file, from its nearest config file (memoised per folder)."""

    def __init__(
        self,
        paths: Sequence[Path] = (),
        config_file: Optional[Path] = None,
        overrides: Optional[dict[str, Any]] = None,
    ) -> None:
        self.overrides = overrides or {}
        self.default_root = _common_parent(paths) if paths else Path.cwd()
        self.explicit: Optional[Settings] = None
        if config_file is not None:
            found = config_file.resolve()
            table, requires = load_config_file(found)
            settings = settings_from_table(table, str(found), requires)
            settings = replace(settings, root=str(found.parent), config_file=str(found))
            self.explicit = apply_overrides(settings, self.overrides)
        self._by_folder: dict[Path, Settings] = {}
        self._by_config: dict[Optional[Path], Settings] = {}

    def settings_for(self, path: Path) -> Settings:
        if self.explicit is not None:
            return self.explicit
        absolute = path.absolute()
        folder = absolute if os.path.isdir(absolute) else absolute.parent
        settings = self._by_folder.get(folder)
        if settings is None:
            found, table, requires = find_config(folder)
            settings = self._by_config.get(found)
            if settings is None:
                where = str(found) if found else "settings"
                settings = settings_from_table(table, where, requires)
                root = found.parent if found else (git_root(folder) or self.default_root)
                settings = replace(settings, root=str(root), config_file=str(found) if found else None)
                settings = self._by_config[found] = apply_overrides(settings, self.overrides)
            self._by_folder[folder] = settings
        return settings


def apply_overrides(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """Command-line options: `select` replaces, `extend-select`/`ignore` add (as in ruff)."""
    changes: dict[str, Any] = {}
    if overrides.get("select") is not None:
        validate_selectors(overrides["select"], "--select")
        changes["select"] = tuple(overrides["select"])
        changes["extend_select"] = ()  # `--select` states the whole selection, as in ruff
    if overrides.get("extend_select"):
        validate_selectors(overrides["extend_select"], "--extend-select")
        changes["extend_select"] = changes.get("extend_select", settings.extend_select) + tuple(
            overrides["extend_select"]
        )
    if overrides.get("ignore"):
        validate_selectors(overrides["ignore"], "--ignore")
        changes["ignore"] = settings.ignore + tuple(overrides["ignore"])
    if overrides.get("preview"):
        changes["preview"] = True
    if overrides.get("force_exclude"):
        changes["force_exclude"] = True
    if overrides.get("target_version"):
        changes["target_version"] = parse_target_version(overrides["target_version"], "--target-version")
    return replace(settings, **changes) if changes else settings


def _common_parent(paths: Sequence[Path]) -> Path:
    # (os.path, not pathlib: these swallow the PermissionError of an unsearchable parent)
    absolute = [p.resolve() if os.path.exists(p) else p.absolute() for p in paths]
    directories = [p if os.path.isdir(p) else p.parent for p in absolute]
    common = Path(os.path.commonpath([str(d) for d in directories]))
    return common
