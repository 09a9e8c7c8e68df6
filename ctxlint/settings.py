"""Resolved settings for one run, and which rules they enable for a given file."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass, field, fields
from pathlib import PurePosixPath
from typing import Iterable, Optional

from ctxlint.errors import UsageError

SUPPORTED_VERSIONS = tuple((3, minor) for minor in range(9, 15))
TOOL_PREFIX = "CTX"


def parse_target_version(value: str, where: str) -> tuple[int, int]:
    text = value.strip().lower()
    if text.startswith("py") and text[2:].isdigit() and len(text) >= 4:
        version = (int(text[2]), int(text[3:]))
        if version in SUPPORTED_VERSIONS:
            return version
    raise UsageError(f"{where}: invalid target-version {value!r} (expected py39 .. py314)")


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("CTX",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    preview: bool = False
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False  # `exclude` applies to paths named on the command line too
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    target_version: tuple[int, int] = (3, 9)
    opentelemetry: str = "auto"  # "auto" | "yes" | "no"
    auto_instrumentation: bool = False
    instrumented: tuple[str, ...] = ()
    entry_point_decorators: tuple[str, ...] = ()
    context_wrappers: tuple[str, ...] = ()
    context_executors: tuple[str, ...] = ()  # project executor and thread classes that copy the context
    root: str = "."  # project root (absolute)
    config_file: Optional[str] = None
    # Memos of this instance (`replace()` gives the new one its own: init=False).
    _enabled_cache: dict = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def enabled_codes(self) -> frozenset[str]:
        """Codes enabled before per-file ignores (ruff's specificity rules)."""
        cached = self._enabled_cache.get(None)
        if cached is None:
            cached = self._enabled_cache[None] = frozenset(
                code for code, rule in _rules().items() if self._is_enabled(code, rule.preview)
            )
        return cached

    def codes_for(self, relative_path: str) -> frozenset[str]:
        """Enabled codes for one file, after `per-file-ignores`."""
        cached = self._enabled_cache.get(relative_path)
        if cached is not None:
            return cached
        codes = set(self.enabled_codes())
        posix = PurePosixPath(relative_path.replace("\\", "/"))
        for pattern, ignored in self.per_file_ignores:
            if _glob_match(posix, pattern):
                codes = {c for c in codes if not c.startswith(tuple(ignored))}
        result = frozenset(codes)
        if len(self._enabled_cache) < 10000:
            self._enabled_cache[relative_path] = result
        return result

    def _is_enabled(self, code: str, preview: bool) -> bool:
        selected = _best_match(code, (*self.select, *self.extend_select))
        ignored = _best_match(code, self.ignore)
        if selected <= ignored:
            return False
        if preview and not self.preview:
            # Selecting a rule or a family (`CTX201`, `CTX2`) is an explicit choice; the
            # tool-wide `CTX` (the default) and `ALL` are not.
            return selected > len(TOOL_PREFIX)
        return True

    def fingerprint(self) -> str:
        """A hash of everything that can change a file's findings (for the cache); computed
        once (the flake8 plugin asks for it per file)."""
        cached = self._enabled_cache.get(_FINGERPRINT)
        if cached is None:
            data = {item.name: getattr(self, item.name) for item in fields(self) if item.name not in _NOT_FINDINGS}
            digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
            cached = self._enabled_cache[_FINGERPRINT] = digest
        return cached


# Fields that cannot change a file's findings, and the fingerprint's key among the memos
# (which are otherwise keyed by None and by relative paths).
_NOT_FINDINGS = frozenset({"_enabled_cache", "root", "config_file"})
_FINGERPRINT = ("fingerprint",)


def _best_match(code: str, selectors: Iterable[str]) -> int:
    """Length of the longest selector that is a prefix of `code` (0 if none)."""
    best = 0
    for selector in selectors:
        if selector == "ALL" or code.startswith(selector):
            best = max(best, 1 if selector == "ALL" else len(selector))
    return best


def _glob_match(path: PurePosixPath, pattern: str) -> bool:
    """`per-file-ignores` globs: match the relative path, or its file name alone."""
    text = str(path)
    if fnmatch.fnmatchcase(text, pattern) or path.match(pattern):
        return True
    if pattern.endswith("/**"):
        prefix = pattern[: -len("/**")]
        return text == prefix or text.startswith(prefix + "/")
    if pattern.startswith("**/"):
        return _glob_match(path, pattern[3:])
    if "/" not in pattern:
        return fnmatch.fnmatchcase(path.name, pattern)
    return False


def validate_selectors(selectors: Iterable[str], where: str) -> None:
    codes = _rules()
    for selector in selectors:
        if selector == "ALL":
            continue
        if not any(code.startswith(selector) for code in codes) or not selector.startswith("CTX"):
            raise UsageError(f"{where}: unknown rule selector {selector!r}")


def _rules() -> dict:
    from ctxlint.rules import registry

    return registry()
