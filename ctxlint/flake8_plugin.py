"""The flake8 front end: a thin adapter that runs the same engine on flake8's lines.

Settings come from the same `[tool.ctxlint]` discovery as the CLI, so both front ends
report the same findings; `--ctxlint-preview` and `--ctxlint-target-version` (also
settable in flake8 config) override it, and preview rules selected explicitly through
flake8's `--select`/`--extend-select` are enabled. Core ctxlint never imports flake8.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, ClassVar, Iterator, Optional

from ctxlint import __version__


class Plugin:
    name = "ctxlint"
    version = __version__
    _overrides: ClassVar[dict[str, Any]] = {}
    _disable_noqa: ClassVar[bool] = False
    _resolver: ClassVar[Optional[object]] = None
    _facts_loaded: ClassVar[set[int]] = set()  # ids of the facts this process holds

    def __init__(self, tree: object, lines: list[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--ctxlint-preview", action="store_true", parse_from_config=True, help="ctxlint: enable preview rules"
        )
        manager.add_option(
            "--ctxlint-target-version",
            parse_from_config=True,
            metavar="pyXY",
            help="ctxlint: Python version the code runs on (py39 .. py314)",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        explicit = [
            code
            for selection in (getattr(options, "select", None), getattr(options, "extend_select", None))
            for code in (selection or ())
            if isinstance(code, str) and len(code) > len("CTX") and code.startswith("CTX")
        ]
        cls._overrides = {
            "preview": bool(getattr(options, "ctxlint_preview", False)),
            "target_version": getattr(options, "ctxlint_target_version", None),
            "extend_select": explicit,
        }
        cls._disable_noqa = bool(getattr(options, "disable_noqa", False))
        cls._resolver = None

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from ctxlint.analysis.project import cached_facts
        from ctxlint.collector import frozen_from_now_on
        from ctxlint.config import ConfigResolver
        from ctxlint.engine import lint_text
        from ctxlint.errors import UsageError
        from ctxlint.runner import display_name

        path = Path(self.filename)
        try:
            if Plugin._resolver is None:
                Plugin._resolver = ConfigResolver((), None, self._overrides)
            settings = Plugin._resolver.settings_for(path)  # type: ignore[attr-defined]
        except UsageError as exc:
            yield 1, 0, f"CTX002 ctxlint configuration error: {exc}", type(self)
            return
        facts = cached_facts(settings, Path(settings.root) / ".ctxlint_cache")
        if id(facts) not in Plugin._facts_loaded:
            # Facts stay until the worker exits: frozen, flake8's full collections skip
            # them (with facts for many projects loaded, they were a third of the
            # plugin's cost)
            Plugin._facts_loaded.add(id(facts))
            frozen_from_now_on()
        try:
            relative = path.absolute().relative_to(Path(settings.root)).as_posix()
        except ValueError:
            relative = display_name(path)
        # flake8's tree spares compiling the text again, and compiling at all where no
        # rule fires on it (flake8 reports the syntax errors)
        tree = self.tree if isinstance(self.tree, ast.Module) else None
        result = lint_text(
            "".join(self.lines), self.filename, settings, facts, relative_path=relative,
            apply_noqa=not self._disable_noqa, tree=tree,
        )
        for finding in result.findings:
            yield finding.location.line, finding.location.column - 1, f"{finding.code} {finding.message}", type(self)
