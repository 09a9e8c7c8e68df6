"""Positions and edits in a document's text, for the language server. No LSP types here.

Findings count lines from 1 and columns from 1 in code points (as LibCST does); the
protocol counts both from 0, columns in the code units the client negotiated (UTF-16
unless it chose UTF-8 or UTF-32). Lines end at `\\n`, `\\r\\n` or `\\r`, for both the
protocol and Python (`str.splitlines` would also break at form feeds).

Edits are (start line, start column, end line, end column, new text), 1-based code
points, end exclusive.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Optional

from ctxlint.findings import Finding
from ctxlint.fixes import unified_diff
from ctxlint.noqa import NOQA, comment_suppresses
from ctxlint.reporters.sarif import _replacements as diff_replacements

Edit = tuple[int, int, int, int, str]


class Lines:
    """A text's lines, to convert between finding columns and protocol positions."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.encoding = encoding

    def content(self, line: int) -> str:
        """Line `line` (1-based) without its line break; "" past the end."""
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1].rstrip("\r\n")
        return ""

    def _units(self, text: str) -> int:
        if self.encoding == "utf-8":
            return len(text.encode("utf-8", "surrogatepass"))
        if self.encoding == "utf-32":
            return len(text)
        return len(text.encode("utf-16-le", "surrogatepass")) // 2

    def to_client(self, line: int, column: int) -> tuple[int, int]:
        """(line, character) of the protocol for a 1-based line and code point column."""
        if line > len(self.lines):
            return len(self.lines), 0
        line = max(line, 1)
        return line - 1, self._units(self.content(line)[: max(column - 1, 0)])

    def from_client(self, line: int, character: int) -> tuple[int, int]:
        """1-based line and code point column for a protocol position."""
        content = self.content(line + 1)
        units = 0
        for index, char in enumerate(content):
            if units >= character:
                return line + 1, index + 1
            units += self._units(char)
        return line + 1, len(content) + 1


def fix_edits(diff: str) -> Optional[list[Edit]]:
    """The edits of a fix's unified diff (the one SARIF's `fixes` are made from), or None
    if the diff cannot be trusted."""
    replacements = diff_replacements(diff)
    if replacements is None:
        return None
    edits = []
    for replacement in replacements:
        region = replacement["deletedRegion"]
        inserted = replacement.get("insertedContent", {}).get("text", "")
        edits.append((region["startLine"], region["startColumn"], region["endLine"], region["endColumn"], inserted))
    return edits


def text_edits(before: str, after: str) -> Optional[list[Edit]]:
    """Edits that turn `before` into `after` (whole lines, as a diff has them)."""
    if before == after:
        return []
    return fix_edits(unified_diff(before, after, "document"))


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with non-overlapping `edits` applied (what a client does with them)."""
    lines = Lines(text)
    starts = [0]
    for line in lines.lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        if line > len(lines.lines):
            return len(text)
        return starts[line - 1] + min(column - 1, len(lines.content(line)))

    for start_line, start_column, end_line, end_column, new in sorted(edits, reverse=True):
        text = text[: offset(start_line, start_column)] + new + text[offset(end_line, end_column) :]
    return text


_TRAILING = re.compile(r"[,\s]+$")


def noqa_edit(text: str, finding: Finding) -> Optional[Edit]:
    """The edit adding `# noqa: CODE` for a finding, or None if the line has no place for
    one. The comment goes at the end of the logical line holding the finding's first
    line (after a multi-line string, never inside it), where `# noqa` counts for it;
    an existing `# noqa: A` there becomes `# noqa: A, CODE`."""
    target, comment = _comment_place(text, finding.location.line)
    lines = Lines(text)
    content = lines.content(target)
    if comment is not None:
        column, comment_text = comment
        if comment_suppresses(comment_text, finding.code):
            return None
        match = NOQA.search(comment_text)
        if match is not None and match.group("codes"):
            codes = match.group("codes")
            end = match.start("codes") + len(_TRAILING.sub("", codes))
            at = column + end + 1
            return target, at, target, at, f", {finding.code}"
    code = content.rstrip()
    if not code.strip():
        return None
    return target, len(code) + 1, target, len(content) + 1, f"  # noqa: {finding.code}"


def _comment_place(text: str, line: int) -> tuple[int, Optional[tuple[int, str]]]:
    """The line that ends the logical line containing `line` (as flake8's noqa mapping
    and `ctxlint.noqa` group them), and the comment on it: (0-based column, text)."""
    comments: dict[int, tuple[int, str]] = {}
    try:
        first: Optional[int] = None
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT, tokenize.INDENT):
                continue
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = (token.start[1], token.string)
            if first is None:
                first = token.start[0]
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                end = token.start[0]
                if first <= line <= end:
                    return end, comments.get(end)
                first = None
    except (tokenize.TokenError, SyntaxError):
        pass
    return line, comments.get(line)
