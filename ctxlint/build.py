"""Which ctxlint build is running: caches of facts and results are keyed by it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Optional

from ctxlint import __version__

_BUILD: Optional[str] = None


def build_fingerprint() -> str:
    """The ctxlint version plus a digest of its modules' sizes and modification times."""
    global _BUILD
    if _BUILD is None:
        package = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for folder, directories, names in os.walk(package):
            directories[:] = sorted(d for d in directories if d != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    try:
                        status = os.stat(path)
                    except OSError:
                        continue
                    relative = os.path.relpath(path, package)
                    digest.update(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
        _BUILD = f"{__version__}-{digest.hexdigest()[:12]}"
    return _BUILD


# Of what other builds left in a cache folder, the most recently written is kept (an
# editor's ctxlint and a pre-commit hook's may be different builds taking turns on one
# project); older entries are deleted, or every upgrade would leave its facts behind.
KEEP_OTHER_BUILDS = 1


def stale_entries(others: Iterable[Path]) -> list[Path]:
    """Of the cache entries (files or folders) other builds wrote, those to delete."""
    dated = []
    for path in others:
        try:
            dated.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    dated.sort(reverse=True)
    return [path for _written, path in dated[KEEP_OTHER_BUILDS:]]
