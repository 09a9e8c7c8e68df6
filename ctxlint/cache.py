"""The on-disk result cache: findings per file, keyed by content, settings, facts and version.

One JSON file per (ctxlint version, settings, project facts) under the cache directory,
mapping each relative path to `[mtime_ns, size, sha256, findings]`. A file whose mtime and
size are unchanged is not even read; otherwise its content hash decides. Anything that
can change findings is in the file name, so stale entries are never consulted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

from ctxlint import __version__
from ctxlint.findings import Finding

CACHE_FORMAT = 1


class ResultCache:
    def __init__(self, directory: Path, settings_fingerprint: str, facts_fingerprint: str) -> None:
        self.path = directory / __version__ / f"results-{CACHE_FORMAT}-{settings_fingerprint}-{facts_fingerprint}.json"
        self.directory = directory
        self.entries: dict[str, list] = {}
        self.dirty = False
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def lookup_by_stat(self, key: str, stat: os.stat_result) -> Optional[list[Finding]]:
        entry = self.entries.get(key)
        if entry is not None and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size:
            return [Finding.from_dict(item) for item in entry[3]]
        return None

    def lookup_by_hash(self, key: str, digest: str, stat: os.stat_result) -> Optional[list[Finding]]:
        entry = self.entries.get(key)
        if entry is not None and entry[2] == digest:
            if entry[0] != stat.st_mtime_ns or entry[1] != stat.st_size:
                entry[0], entry[1] = stat.st_mtime_ns, stat.st_size
                self.dirty = True
            return [Finding.from_dict(item) for item in entry[3]]
        return None

    def store(self, key: str, stat: os.stat_result, digest: str, findings: list[Finding]) -> None:
        serialised = []
        for finding in findings:
            data = finding.to_dict()
            data["noqa_lines"] = list(finding.noqa_lines)
            serialised.append(data)
        self.entries[key] = [stat.st_mtime_ns, stat.st_size, digest, serialised]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            marker = self.directory / ".gitignore"
            if not marker.exists():
                marker.write_text("# created by ctxlint\n*\n", encoding="utf-8")
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.entries, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass  # an unwritable cache only costs time
