"""CTX001 syntax-error."""

from __future__ import annotations

from ctxlint.rules.base import Rule


class SyntaxError_(Rule):
    """## What it does
    Reports a file that cannot be decoded (bad encoding, invalid UTF-8, unreadable) or
    parsed, with the parser's reason and position.

    ## Why is this bad?
    ctxlint cannot check a file it cannot read; every other rule is silent on it.
    """

    code = "CTX001"
    name = "syntax-error"
    engine_only = True
    example = """
    def handler(:
        pass
    """
    use_instead = """
    def handler():
        pass
    """
    known_limits = """
    LibCST parses the newest Python grammar whatever the running interpreter, so code using
    newer syntax than the interpreter is still linted.
    """
