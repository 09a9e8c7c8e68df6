"""(github output: implemented by issue 7)"""

from __future__ import annotations

from typing import Sequence

from ctxlint.findings import Finding
from ctxlint.reporters import RunSummary


def render(findings: Sequence[Finding], summary: RunSummary) -> str:
    raise NotImplementedError("github output is not implemented yet")
