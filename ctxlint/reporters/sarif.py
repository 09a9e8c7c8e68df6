"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, VS Code SARIF viewer); SPEC §2.1.

One run. `tool.driver.rules` describes only the rules that were reported, and each result
points at its rule by `ruleId` and `ruleIndex`. Paths are URIs relative to `%SRCROOT%`
(the directory ctxlint ran in, which is what finding filenames are relative to). Columns
are counted in Unicode code points, as LibCST counts them, and the run says so
(`columnKind`). Findings silenced by `# noqa` or a baseline never reach a reporter.

The output is pure ASCII (JSON escapes), so it is the same bytes whatever the encoding of
the console or the file it is redirected to (Windows runners default to cp1252).
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Optional, Sequence
from urllib.parse import quote

from ctxlint import __version__
from ctxlint.findings import Finding, Location
from ctxlint.reporters.summary import RunSummary

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/ctxlint/"
SOURCE_ROOT = "%SRCROOT%"
INTERNAL_ERROR = "CTX002"

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def level(code: str) -> str:
    """The severity shown by code scanning and GitHub annotations.

    Preview rules have no measured precision yet, and CTX002 is a bug in ctxlint rather
    than in the code, so both are warnings; everything else is an error.
    """
    from ctxlint.rules import registry

    return "warning" if code == INTERNAL_ERROR or registry()[code].preview else "error"


def render(findings: Sequence[Finding], summary: RunSummary) -> str:
    codes = sorted({f.code for f in findings})
    rule_index = {code: index for index, code in enumerate(codes)}
    run = {
        "tool": {
            "driver": {
                "name": "ctxlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(code) for code in codes],
            }
        },
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": _directory_uri(Path.cwd())}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_index[f.code]) for f in findings],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def _rule(code: str) -> dict:
    from ctxlint.rules import registry

    rule = registry()[code]
    docs = rule.documentation()
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.section("What it does")},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": level(code)},
        "properties": {"status": rule.status(), "fix": rule.fix},
    }


def _result(finding: Finding, rule_index: int) -> dict:
    result = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding.code),
        "message": {"text": finding.message},
        "locations": [_location(finding.filename, finding.location)],
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                **_location(related.filename or finding.filename, related.location),
                "message": {"text": related.message},
            }
            for number, related in enumerate(finding.related, start=1)
        ]
    replacements = _replacements(finding.fix.diff) if finding.fix is not None else None
    if replacements:
        result["fixes"] = [
            {
                "description": {"text": finding.fix.message},
                "artifactChanges": [{"artifactLocation": _artifact(finding.filename), "replacements": replacements}],
                "properties": {"applicability": finding.fix.applicability},
            }
        ]
    return result


def _location(filename: str, location: Location) -> dict:
    return {"physicalLocation": {"artifactLocation": _artifact(filename), "region": _region(location)}}


def _region(location: Location) -> dict:
    return {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": location.end_line,
        "endColumn": location.end_column,
    }


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"  # a base URI must end with "/"


def _artifact(filename: str) -> dict:
    """A URI reference for a finding's file: relative to `%SRCROOT%` unless absolute."""
    path = Path(filename)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    # Percent-encode the file name's bytes (os.fsencode gives back the original bytes of
    # a name that is not valid UTF-8), keeping only "/" as a separator.
    posix = PurePosixPath(*path.parts).as_posix()
    return {"uri": quote(os.fsencode(posix), safe="/"), "uriBaseId": SOURCE_ROOT}


def _replacements(diff: str) -> Optional[list[dict]]:
    """SARIF replacements from a fix's unified diff, or None if the diff cannot be trusted.

    Each run of removed and added lines becomes one replacement of whole lines: the
    deleted region runs from column 1 of its first line to column 1 of the line after it
    (or to the end of the text when the last removed line has no newline). A hunk whose
    line counts disagree with its header is not guessed at: the fix is left out.
    """
    # Physical lines (\n, \r\n, \r), as the tokenizer, LibCST and SARIF regions count them;
    # `str.splitlines` would also break at form feeds and U+2028.
    lines = io.StringIO(diff, newline="").readlines()
    starts = [number for number, text in enumerate(lines) if text.startswith("@@")]
    replacements: list[dict] = []
    for first, end in zip(starts, starts[1:] + [len(lines)]):
        hunk = _hunk_replacements(lines[first], lines[first + 1 : end])
        if hunk is None:
            return None
        replacements.extend(hunk)
    return replacements or None


def _hunk_replacements(header: str, body: list[str]) -> Optional[list[dict]]:
    match = _HUNK.match(header)
    if match is None:
        return None
    old_start, old_count = int(match.group(1)), int(match.group(2) or "1")
    new_count = int(match.group(4) or "1")
    # An empty old range names the line *before* the insertion point.
    line = old_start if old_count else old_start + 1
    changes: list[tuple[int, list[str], list[str]]] = []  # (first old line, deleted, inserted)
    seen_old = seen_new = 0
    for text in body:
        marker, content = text[:1], text[1:]
        if marker == " ":
            seen_old += 1
            seen_new += 1
            line += 1
            continue
        if marker == "\\":  # "\ No newline at end of file": the line above has none
            if changes and changes[-1][0] + len(changes[-1][1]) == line:
                lines = changes[-1][2] or changes[-1][1]
                lines[-1] = lines[-1].rstrip("\n")
            continue
        if marker not in ("-", "+"):
            return None
        if not changes or changes[-1][0] + len(changes[-1][1]) != line or (marker == "-" and changes[-1][2]):
            changes.append((line, [], []))
        if marker == "-":
            changes[-1][1].append(content)
            seen_old += 1
            line += 1
        else:
            changes[-1][2].append(content)
            seen_new += 1
    if (seen_old, seen_new) != (old_count, new_count):
        return None
    return [_replacement(start, deleted, "".join(inserted)) for start, deleted, inserted in changes]


def _replacement(start: int, deleted: list[str], inserted: str) -> dict:
    if deleted and not deleted[-1].endswith(("\n", "\r")):
        # The last line of the file, without a newline: end the region after its text.
        end_line, end_column = start + len(deleted) - 1, len(deleted[-1]) + 1
    else:
        end_line, end_column = start + len(deleted), 1
    region = {"startLine": start, "startColumn": 1, "endLine": end_line, "endColumn": end_column}
    replacement: dict = {"deletedRegion": region}
    if inserted:
        replacement["insertedContent"] = {"text": inserted}
    return replacement
