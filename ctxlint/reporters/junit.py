"""JUnit XML for GitLab, Jenkins and other CI test-report views.

One testsuite; one testcase per linted file (clean files pass, so the report shows what
was checked); one `<failure>` per finding. Many viewers (Jenkins, Azure DevOps) show only
a testcase's first failure, so the testcase's `<system-out>` also lists all its findings.

The document is pure ASCII: non-ASCII characters become character references, so it is
the same bytes whatever the console encoding. Characters XML 1.0 cannot carry at all
(control characters, and the surrogates Python uses for undecodable file-name bytes) are
written as visible `\\xNN` escapes instead of producing a document no parser accepts.
"""

from __future__ import annotations

import re
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

from ctxlint.findings import Finding
from ctxlint.reporters.summary import RunSummary

# Everything outside XML 1.0's `Char` production.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(findings: Sequence[Finding], summary: RunSummary) -> str:
    by_file: dict[str, list[Finding]] = {name: [] for name in summary.files}
    for finding in findings:
        by_file.setdefault(finding.filename, []).append(finding)
    failed = sum(1 for found in by_file.values() if found)
    counts = f'tests="{len(by_file)}" failures="{failed}" errors="0" skipped="0"'
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="ctxlint" {counts}>',
        f'  <testsuite name="ctxlint" {counts}>',
    ]
    for filename in sorted(by_file):
        found = by_file[filename]
        attributes = f"name={_attribute(filename)} classname=\"ctxlint\" file={_attribute(filename)}"
        if not found:
            lines.append(f"    <testcase {attributes}/>")
            continue
        lines.append(f"    <testcase {attributes}>")
        for finding in found:
            lines.append(
                f"      <failure message={_attribute(f'{finding.code} {finding.message}')} "
                f"type={_attribute(finding.code)}>{_text(_line(finding))}</failure>"
            )
        listing = "".join(_line(finding) + "\n" for finding in found)
        lines.append(f"      <system-out>{_text(listing)}</system-out>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>"]
    return "\n".join(lines) + "\n"


def _line(finding: Finding) -> str:
    loc = finding.location
    return f"{finding.filename}:{loc.line}:{loc.column}: {finding.code} {finding.message}"


def _visible(text: str) -> str:
    def replace(match: re.Match) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for an undecodable byte 0xNN
            code -= 0xDC00
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _NOT_XML.sub(replace, text)


def _attribute(text: str) -> str:
    # quoteattr writes \n, \r and \t as character references, so parsers keep them.
    return quoteattr(_visible(text)).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _text(text: str) -> str:
    return escape(_visible(text), {"\r": "&#13;"}).encode("ascii", "xmlcharrefreplace").decode("ascii")
