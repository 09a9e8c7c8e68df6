"""Which files to lint: walk directories honouring .gitignore and exclude settings."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Sequence

import pathspec

from ctxlint.errors import UsageError

if TYPE_CHECKING:
    from ctxlint.settings import Settings

# Never descended into, whatever the ignore files say (ruff's defaults, plus ours).
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", "__pycache__", ".venv", "venv", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ctxlint_cache", ".eggs",
        "node_modules", "site-packages", "__pypackages__", "_build", "buck-out",
        ".direnv", ".pytype", ".ipynb_checkpoints",
    }
)
# Build output (setuptools' `build/lib/...`, wheels in `dist/`), skipped unless the
# directory is part of a package: it holds an `__init__.py` (pypa/build's `src/build/`)
# or its parent does (onyx's `onyx/server/features/build/`, a namespace package). Build
# tools write next to the project's packaging files, never inside a package. (ruff
# dropped `build` from its defaults in 0.3 for the silent misses it caused.)
BUILD_OUTPUT_DIRECTORIES = frozenset({"build", "dist"})
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def exclude_spec(settings: Settings) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines([*settings.exclude, *settings.extend_exclude])


def _is_virtualenv(directory: Path) -> bool:
    return os.path.isfile(directory / "pyvenv.cfg")  # False for an unreadable directory


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
        if settings.force_exclude and _excluded_with_parents(path, root, excluded):
            continue
        try:
            status = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            if not os.path.lexists(path):
                raise UsageError(f"{path}: no such file or directory") from None
            add(path)  # a broken symlink: reported as unreadable, with the reason
            continue
        except OSError:
            add(path)  # a symlink loop, or a parent directory we may not search: reported when read
            continue
        if stat.S_ISDIR(status.st_mode):
            for found in walk_files(path, root, excluded, result.warnings.append):
                add(found)
        elif not stat.S_ISREG(status.st_mode):
            # a FIFO, socket or device: reading it could block forever
            result.warnings.append(f"{path}: skipped, not a regular file")
        elif path.suffix in PYTHON_SUFFIXES or _has_python_shebang(path):
            add(path)
        else:
            result.warnings.append(f"{path}: skipped, not a Python file")
    result.files.sort(key=lambda p: p.as_posix())
    return result


def _excluded_with_parents(path: Path, root: Path, excluded: pathspec.PathSpec) -> bool:
    """`exclude` matches the named path or a folder above it (below the project root)."""
    relative = _relative_to(path, root)
    if relative is None or relative == ".":
        return False
    parts = relative.split("/")
    folders = ["/".join(parts[:end]) + "/" for end in range(1, len(parts))]
    return any(excluded.match_file(candidate) for candidate in (*folders, relative, relative + "/"))


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
    """Files under `top` whose name is `wanted`, skipping ignored and excluded paths.

    Symlinked directories are not followed (no loops, no escaping the tree). A symlink
    that cannot be resolved (broken, or a loop) is yielded so that reading it reports
    why; FIFOs, sockets and devices are skipped with a warning, since reading a FIFO
    blocks forever.
    """
    gitignores: list[tuple[Path, pathspec.PathSpec]] = _parent_gitignores(top)
    excluded = _not_ignoring(excluded, root, top)

    def ignored(path: Path, is_dir: bool) -> bool:
        for base, spec in gitignores:
            relative = _relative_to(path, base)
            if relative is not None and spec.match_file(relative + ("/" if is_dir else "")):
                return True
        relative = _relative_to(path, root)
        if relative is not None and excluded.match_file(relative + ("/" if is_dir else "")):
            return True
        return False

    pending = [top]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            warn(f"{here}: cannot read directory: {error.strerror or error}")
            continue
        if any(entry.name == ".gitignore" and entry.is_file() for entry in entries):
            try:
                lines = (here / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
                gitignores.append((here, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass
        subdirectories = []
        for entry in entries:
            child = here / entry.name
            if _is_directory(entry):
                if entry.is_symlink() or entry.name in SKIPPED_DIRECTORIES or entry.name.endswith(".egg-info"):
                    continue
                if entry.name in BUILD_OUTPUT_DIRECTORIES and not _in_a_package(child):
                    continue
                if not _is_virtualenv(child) and not ignored(child, True):
                    subdirectories.append(child)
            elif wanted(entry.name) and not ignored(child, False):
                if _is_regular_or_unresolvable(entry):
                    yield child
                else:
                    warn(f"{child}: skipped, not a regular file")
        pending.extend(reversed(subdirectories))


def _in_a_package(directory: Path) -> bool:
    return (directory / "__init__.py").is_file() or (directory.parent / "__init__.py").is_file()


def _is_directory(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop raises ELOOP here
        return False


def _is_regular_or_unresolvable(entry: os.DirEntry) -> bool:
    """A regular file, or a symlink whose target cannot be found (broken, or a loop)."""
    try:
        if entry.is_file():  # answered from the directory listing for non-symlinks
            return True
        if not entry.is_symlink():
            return False
        os.stat(entry.path)
    except OSError:
        return True
    return False


def _parent_gitignores(top: Path) -> list[tuple[Path, pathspec.PathSpec]]:
    """.gitignore files above `top`, up to the repository root, without their patterns
    that ignore `top` itself (see `_not_ignoring`)."""
    found: list[tuple[Path, pathspec.PathSpec]] = []
    absolute = top.absolute()
    for folder in absolute.parents:
        candidate = folder / ".gitignore"
        if os.path.isfile(candidate):
            try:
                lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
                found.append((folder, _not_ignoring(pathspec.GitIgnoreSpec.from_lines(lines), folder, absolute)))
            except OSError:
                pass
        if os.path.exists(folder / ".git"):
            break
    found.reverse()
    return found


def _not_ignoring(spec: pathspec.PathSpec, base: Path, top: Path) -> pathspec.PathSpec:
    """`spec` (relative to `base`) without the patterns that ignore `top` or a folder
    between `base` and `top`: a directory named on the command line is linted even when
    a parent's .gitignore or `exclude` names it (as ruff does), while the rest of those
    patterns still applies inside it."""
    relative = _relative_to(top, base)
    if relative is None or relative == ".":
        return spec
    parts = relative.split("/")
    named = ["/".join(parts[:end]) + "/" for end in range(1, len(parts) + 1)]
    kept = [pattern for pattern in spec.patterns if not (pattern.include and any(pattern.match_file(p) for p in named))]
    return spec if len(kept) == len(spec.patterns) else pathspec.GitIgnoreSpec(kept)
