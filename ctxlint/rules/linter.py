"""CTX0xx: findings about the linter itself, produced by the engine rather than a walk."""

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


class InternalError(Rule):
    """## What it does
    Reports that a rule raised an exception on this file. The message names the rule and
    the exception type; the file's other findings are still reported.

    ## Why is this bad?
    It is a bug in ctxlint: please report it with the file that triggers it.
    """

    code = "CTX002"
    name = "internal-error"
    engine_only = True
    known_limits = "Deselect the failing rule with `--ignore` until it is fixed."
