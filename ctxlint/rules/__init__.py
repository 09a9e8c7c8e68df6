"""Rule families, one module each; importing them registers their rules."""

from ctxlint.rules import (  # noqa: F401
    boundaries,
    cancellation,
    lifecycle,
    linter,
    threads,
    traces,
)
