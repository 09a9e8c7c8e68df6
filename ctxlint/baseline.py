"""(baseline: implemented by issue 7)"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ctxlint.findings import Finding


def write_baseline(path: Path, findings: Sequence[Finding]) -> None:
    raise NotImplementedError("--write-baseline is not implemented yet")


def filter_baselined(path: Path, findings: Sequence[Finding]) -> list[Finding]:
    raise NotImplementedError("--baseline is not implemented yet")
