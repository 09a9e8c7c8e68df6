"""`# noqa` suppression, with flake8's exact matching so both front ends agree."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Iterable

# flake8.defaults.NOQA_INLINE_REGEXP (searched case-insensitively, as flake8 does).
NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)


def logical_line_text(text: str) -> dict[int, str]:
    """flake8's `_noqa_line_mapping`: line -> the text searched for `noqa` on that line.

    A token spanning several lines (a multi-line string, a backslash continuation) maps
    all its lines to their joined text.
    """
    # Lines as tokenize counts them (`str.splitlines` would also break at \f and U+2028).
    lines = io.StringIO(text, newline="").readlines()
    mapping: dict[int, str] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return {i + 1: line for i, line in enumerate(lines)}
    min_line, max_line = len(lines) + 2, -1
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        min_line = min(min_line, token.start[0])
        max_line = max(max_line, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[min_line - 1 : max_line])
            for line in range(min_line, max_line + 1):
                mapping[line] = joined
            min_line, max_line = len(lines) + 2, -1
    for i, line in enumerate(lines):
        mapping.setdefault(i + 1, line)
    return mapping


def comment_suppresses(comment_text: str, code: str) -> bool:
    match = NOQA.search(comment_text)
    if match is None:
        return False
    codes_text = match.group("codes")
    if not codes_text:
        return True
    codes = {c for c in re.split(r"[,\s]+", codes_text.strip()) if c}
    return code in codes or code.startswith(tuple(codes))


def is_suppressed(code: str, lines: Iterable[int], mapping: dict[int, str]) -> bool:
    return any(comment_suppresses(mapping.get(line, ""), code) for line in lines)
