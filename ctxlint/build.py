"""Which ctxlint build is running: caches of facts and results are keyed by it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional

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
