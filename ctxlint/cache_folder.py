"""The cache folder on disk: created with a marker that tells git to ignore it, and rid of
what older builds of ctxlint left in it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

# Of what other builds left in a cache folder, the most recently written is kept (an
# editor's ctxlint and a pre-commit hook's may be different builds taking turns on one
# project); older entries are deleted, or every upgrade would leave its facts behind.
KEEP_OTHER_BUILDS = 1


def cache_folder(folder: Path) -> bool:
    """Create the cache folder, telling git to ignore it; False if it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / ".gitignore"
        if not os.path.exists(marker):
            marker.write_text("# created by ctxlint\n*\n", encoding="utf-8")
    except OSError:
        return False
    return True


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
