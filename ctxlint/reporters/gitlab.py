"""GitLab Code Quality: the JSON report a merge request's Code Quality widget reads.

A JSON array with one object per finding and the fields GitLab documents:
`description`, `check_name`, `fingerprint`, `severity` (`info`, `minor`, `major`,
`critical` or `blocker`) and `location` with `path` and `lines.begin` (here also
`lines.end`). GitLab tells new findings from old ones by `fingerprint`, so it is the
baseline's fingerprint (ctxlint/baseline.py): file, code, a hash of the reported line
and its neighbours, and the occurrence among equal ones; not the line number, so a
finding keeps its fingerprint when code above it is added or removed.

Paths are relative to the working directory, which is the repository root in a GitLab
job. Findings of default rules are `major`; preview rules and CTX002 (a bug in ctxlint)
are `minor`, as they are warnings in SARIF and GitHub annotations.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Sequence

from ctxlint.baseline import fingerprints
from ctxlint.findings import Finding
from ctxlint.reporters.sarif import level
from ctxlint.reporters.summary import RunSummary

SEVERITY = {"error": "major", "warning": "minor"}


def render(findings: Sequence[Finding], summary: RunSummary) -> str:
    keys = fingerprints(findings, Path.cwd())
    issues = [
        {
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "fingerprint": _fingerprint(key),
            "severity": SEVERITY[level(finding.code)],
            "location": {
                "path": Path(finding.filename).as_posix(),
                "lines": {"begin": finding.location.line, "end": finding.location.end_line},
            },
        }
        for finding, key in zip(findings, keys)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _fingerprint(key: tuple) -> str:
    """The baseline's fingerprint of a finding, hashed to the hex string GitLab keeps."""
    return hashlib.sha256(json.dumps(list(key), ensure_ascii=False).encode("utf-8", "surrogateescape")).hexdigest()
