"""`path:line:col: CODE message`, one per line, then a summary (ruff's concise format)."""

from __future__ import annotations

from typing import Sequence

from ctxlint.findings import Finding
from ctxlint.reporters.summary import RunSummary


def render(findings: Sequence[Finding], summary: RunSummary) -> str:
    lines = []
    for f in findings:
        lines.append(f"{f.filename}:{f.location.line}:{f.location.column}: {f.code} {f.message}")
        if summary.verbose:  # the call path behind the finding, one step a line
            lines.extend(f"    {r.filename or f.filename}:{r.location.line}: {r.message}" for r in f.related)
    lines.append(summary_line(findings, summary))
    return "\n".join(lines) + "\n"


def summary_line(findings: Sequence[Finding], summary: RunSummary) -> str:
    fixed = f"Fixed {summary.fixed} error{'s' if summary.fixed != 1 else ''}. " if summary.fixed else ""
    if not findings:
        return f"{fixed}All checks passed!" if not fixed else fixed.strip()
    count = len(findings)
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe")
    notes = []
    if safe:
        notes.append(f"{safe} fixable with --fix")
    if unsafe:
        notes.append(f"{unsafe} fixable with --fix --unsafe-fixes")
    detail = f" ({', '.join(notes)})" if notes else ""
    return f"{fixed}Found {count} error{'s' if count != 1 else ''}{detail}."
