"""A JSON array of findings; field names are a stable API (SPEC §2.1)."""

from __future__ import annotations

import json
from typing import Sequence

from ctxlint.findings import Finding
from ctxlint.reporters.summary import RunSummary


def render(findings: Sequence[Finding], summary: RunSummary) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
