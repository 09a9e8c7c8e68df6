"""Output formats. Each reporter turns the sorted findings of a run into text."""

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


Reporter = Callable[[Sequence[Finding], RunSummary], str]


def reporters() -> dict[str, Reporter]:
    from ctxlint.reporters import github, json_format, junit, sarif, text

    return {
        "text": text.render,
        "json": json_format.render,
        "sarif": sarif.render,
        "github": github.render,
        "junit": junit.render,
    }
