"""Which files to lint: walk directories honouring .gitignore and exclude settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

import pathspec

from ctxlint.settings import Settings, UsageError

# Never descended into, whatever the ignore files say (ruff's defaults, plus ours).
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", "__pycache__", ".venv", "venv", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ctxlint_cache", ".eggs",
        "node_modules", "site-packages", "__pypackages__", "_build", "buck-out",
        "build", "dist", ".direnv", ".pytype", ".ipynb_checkpoints",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def exclude_spec(settings: Settings) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines([*settings.exclude, *settings.extend_exclude])


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def _has_python_shebang(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def discover(paths: Sequence[Path], settings: Settings) -> Discovery:
    """Expand `paths` into the sorted list of files to lint (explicit files always kept)."""
    result = Discovery()
    root = Path(settings.root)
    excluded = exclude_spec(settings)
    seen: set[Path] = set()

    def add(path: Path) -> None:
        if path not in seen:
            seen.add(path)
            result.files.append(path)

    for path in paths:
        if path.is_symlink() and not path.exists():
            add(path)  # reported as unreadable by the engine, with the reason
            continue
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_file():
            if path.suffix in PYTHON_SUFFIXES or _has_python_shebang(path):
                add(path)
            else:
                result.warnings.append(f"{path}: skipped, not a Python file")
            continue
        for found in walk_files(path, root, excluded, result.warnings.append):
            add(found)
    result.files.sort(key=lambda p: p.as_posix())
    return result


def _relative_to(path: Path, base: Path) -> Optional[str]:
    try:
        return path.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        return None


def _is_python_name(name: str) -> bool:
    return name.endswith(PYTHON_SUFFIXES)


def walk_files(
    top: Path,
    root: Path,
    excluded: pathspec.PathSpec,
    warn: Callable[[str], None],
    wanted: Callable[[str], bool] = _is_python_name,
) -> Iterable[Path]:
    """Files under `top` whose name is `wanted`, skipping ignored and excluded paths."""
    gitignores: list[tuple[Path, pathspec.PathSpec]] = _parent_gitignores(top)

    def ignored(path: Path, is_dir: bool) -> bool:
        for base, spec in gitignores:
            relative = _relative_to(path, base)
            if relative is not None and spec.match_file(relative + ("/" if is_dir else "")):
                return True
        relative = _relative_to(path, root)
        if relative is not None and excluded.match_file(relative + ("/" if is_dir else "")):
            return True
        return False

    def on_error(error: OSError) -> None:
        warn(f"{error.filename}: cannot read directory: {error.strerror}")

    for directory, dirnames, filenames in os.walk(top, onerror=on_error):
        here = Path(directory)
        spec_file = here / ".gitignore"
        if spec_file.is_file():
            try:
                lines = spec_file.read_text(encoding="utf-8", errors="replace").splitlines()
                gitignores.append((here, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass
        kept = []
        for name in sorted(dirnames):
            child = here / name
            if name in SKIPPED_DIRECTORIES or name.endswith(".egg-info") or child.is_symlink():
                continue
            if _is_virtualenv(child) or ignored(child, True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not wanted(name):
                continue
            child = here / name
            if not ignored(child, False):
                yield child


def _parent_gitignores(top: Path) -> list[tuple[Path, pathspec.PathSpec]]:
    """.gitignore files above `top`, up to the repository root."""
    found: list[tuple[Path, pathspec.PathSpec]] = []
    absolute = top.absolute()
    for folder in absolute.parents:
        candidate = folder / ".gitignore"
        if candidate.is_file():
            try:
                lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
                found.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass
        if (folder / ".git").exists():
            break
    found.reverse()
    return found
