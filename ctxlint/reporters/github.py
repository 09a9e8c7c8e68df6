"""GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding.

The runner reads a command from any output line that starts with `::`, so everything we
print comes from a finding (file names, messages with source snippets) and is escaped the
way the runner unescapes it (actions/runner `ActionCommand`): in the message `%`, `\\r`,
`\\n`; in properties also `:` and `,`. Then no file name or message can end the line, end
the property list, or start another command.
"""

from __future__ import annotations

from typing import Sequence

from ctxlint.findings import Finding
from ctxlint.reporters.sarif import level
from ctxlint.reporters.summary import RunSummary


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding], summary: RunSummary) -> str:
    return "".join(_command(finding) + "\n" for finding in findings)


def _command(finding: Finding) -> str:
    loc = finding.location
    properties = [("file", finding.filename), ("line", loc.line)]
    # The runner drops `col`/`endColumn` when the annotation spans several lines.
    if loc.end_line == loc.line:
        properties += [("col", loc.column), ("endLine", loc.end_line), ("endColumn", loc.end_column)]
    else:
        properties += [("endLine", loc.end_line)]
    properties.append(("title", finding.code))
    listed = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{level(finding.code)} {listed}::{escape_data(finding.message)}"
