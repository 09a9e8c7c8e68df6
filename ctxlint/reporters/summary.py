"""What every reporter is given besides the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ctxlint.findings import Finding


@dataclass(frozen=True)
class RunSummary:
    """What a reporter may say beyond the findings themselves."""

    files_checked: int
    fix_mode: "str | None" = None  # None | "safe" | "unsafe"
    fixed: int = 0
    files: tuple[str, ...] = field(default=())  # every file linted (JUnit lists clean files too)
    verbose: bool = False  # the text format also prints each finding's related locations


Reporter = Callable[[Sequence[Finding], RunSummary], str]
