"""CTX002 internal-error."""

from __future__ import annotations

from ctxlint.rules.base import Rule


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
