"""Output formats. Each reporter turns the sorted findings of a run into text."""

from __future__ import annotations

from ctxlint.reporters.summary import Reporter


def reporters() -> dict[str, Reporter]:
    from ctxlint.reporters import github, gitlab, json_format, junit, sarif, text

    return {
        "text": text.render,
        "json": json_format.render,
        "sarif": sarif.render,
        "github": github.render,
        "gitlab": gitlab.render,
        "junit": junit.render,
    }
