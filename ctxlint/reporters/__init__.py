"""Output formats. Each reporter turns the sorted findings of a run into text."""

from __future__ import annotations

import importlib

from ctxlint.reporters.summary import Reporter

# format name -> the module whose `render` writes it (imported only when chosen: the
# JUnit writer's XML escaping alone imports urllib and http.client)
FORMATS = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}


def reporter(name: str) -> Reporter:
    return importlib.import_module(f"{__name__}.{FORMATS[name]}").render
