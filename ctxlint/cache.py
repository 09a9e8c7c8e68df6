"""The on-disk result cache: findings per file, keyed by content, settings, facts and version.

One JSON file per (ctxlint build, settings, project facts) under the cache directory,
mapping each file's path relative to its project root to
`[mtime_ns or None, size, sha256, findings]`. Anything that can change a file's findings
other than its own content is in the JSON file's name: the ctxlint version and a
fingerprint of its installed code (so an upgrade, or an edit of an editable install,
starts afresh), the settings that apply to the file (a config change), and the project
facts (an instrumentor added or removed somewhere else in the project). A changed key
means a different JSON file, so a stale entry is never even read.

Within one JSON file, a file whose mtime and size are unchanged is not read at all; one
whose stat changed is hashed, and if the content is the same its findings are reused (a
`git checkout` that touches files costs a hash, not a lint). A file modified within the
last two seconds has its stat recorded as unknown, so an edit in the same clock tick as
the lint (same size, same coarse mtime) cannot hide behind the stat check.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Optional

from ctxlint.build import build_fingerprint
from ctxlint.cache_folder import cache_folder, stale_entries
from ctxlint.findings import Finding

CACHE_FORMAT = 2
RACY_SECONDS = 2.0  # a stat this recent is not trusted on the next run
KEEP_RESULT_FILES = 32  # per build: older settings/facts combinations are pruned

def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ResultCache:
    def __init__(self, directory: Path, settings_fingerprint: str, facts_fingerprint: str) -> None:
        self.directory = directory
        self.folder = directory / build_fingerprint()
        self.path = self.folder / f"results-{CACHE_FORMAT}-{settings_fingerprint}-{facts_fingerprint}.json"
        self.entries: dict[str, list] = {}
        self.dirty = False
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(entries, dict):
                self.entries = entries
        except (OSError, ValueError):
            self.entries = {}

    def lookup_by_stat(self, key: str, stat: os.stat_result) -> Optional[list[Finding]]:
        """The findings, if the file's mtime and size are the ones recorded."""
        entry = self.entries.get(key)
        if entry is not None and entry[0] is not None and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size:
            return self._findings(entry)
        return None

    def digest(self, key: str) -> Optional[str]:
        """The content hash recorded for `key` (to recognise an unchanged file)."""
        entry = self.entries.get(key)
        return entry[2] if entry is not None else None

    def lookup_by_hash(self, key: str, digest: str, stat: Optional[os.stat_result]) -> Optional[list[Finding]]:
        """The findings, if the content hash is the recorded one (the stat is refreshed)."""
        entry = self.entries.get(key)
        if entry is None or entry[2] != digest:
            return None
        mtime = _trusted_mtime(stat)
        if stat is not None and (entry[0] != mtime or entry[1] != stat.st_size):
            entry[0], entry[1] = mtime, stat.st_size
            self.dirty = True
        return self._findings(entry)

    def store(self, key: str, stat: Optional[os.stat_result], digest: str, findings: list[Finding]) -> None:
        """Record findings for content `digest`; `stat` is the one taken before reading it."""
        serialised = []
        for finding in findings:
            data = finding.to_dict()
            data["noqa_lines"] = list(finding.noqa_lines)
            serialised.append(data)
        self.entries[key] = [_trusted_mtime(stat), stat.st_size if stat is not None else -1, digest, serialised]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        if not cache_folder(self.directory):
            return  # an unwritable cache only costs time
        try:
            self.folder.mkdir(exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.entries, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.path)
            self.dirty = False
            _prune(self.folder)
        except OSError:
            pass  # an unwritable cache only costs time

    @staticmethod
    def _findings(entry: list) -> list[Finding]:
        return [Finding.from_dict(item) for item in entry[3]]


def _trusted_mtime(stat: Optional[os.stat_result]) -> Optional[int]:
    if stat is None or time.time() - stat.st_mtime < RACY_SECONDS:
        return None
    return stat.st_mtime_ns


def _prune(folder: Path) -> None:
    """Keep the most recently used result files of this build, and the folder of one other
    build."""
    try:
        files = sorted(folder.glob("results-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in files[KEEP_RESULT_FILES:]:
            stale.unlink()
        others = [entry for entry in folder.parent.iterdir() if entry.is_dir() and entry != folder]
    except OSError:
        return
    for stale in stale_entries(others):
        shutil.rmtree(stale, ignore_errors=True)
