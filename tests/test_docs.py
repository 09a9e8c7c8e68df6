"""Every rule is documented, exemplified, covered by fixtures and listed in the README."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from conftest import REPO, run_ctxlint, run_json
from fixtures import EXPECT, fixture_files, project_dirs

from ctxlint.rules import registry

RULES = registry()
WALKED = [code for code, rule in RULES.items() if not rule.engine_only]


@pytest.mark.parametrize("code", list(RULES))
def test_rule_declares_its_docs(code: str) -> None:
    rule = RULES[code]
    assert re.fullmatch(r"CTX\d{3}", code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert rule.fix in ("none", "safe", "unsafe")
    assert rule.section("What it does") and rule.section("Why is this bad")
    assert rule.fix_doc.strip() and rule.known_limits.strip()
    if not rule.engine_only:
        assert rule.example.strip() and rule.use_instead.strip()
        assert rule.triggers or rule.modules, "the gate needs trigger tokens or modules"


@pytest.fixture(scope="module")
def example_findings(tmp_path_factory) -> dict[tuple[str, str], set[str]]:
    """Lint every rule's `example` and `use_instead`, each as its own project with that rule selected."""
    root = tmp_path_factory.mktemp("examples")
    for code, rule in RULES.items():
        if not rule.example.strip():
            continue
        for kind in ("example", "use_instead"):
            folder = root / code / kind
            folder.mkdir(parents=True)
            (folder / "pyproject.toml").write_text(f"[tool.ctxlint]\nselect = [{code!r}, 'CTX001']\n")
            (folder / "views.py").write_text(textwrap.dedent(getattr(rule, kind)).lstrip("\n"))
    found: dict[tuple[str, str], set[str]] = {}
    for item in run_json(str(root), cwd=root):
        code, kind = item["filename"].split("/")[:2]
        found.setdefault((code, kind), set()).add(item["code"])
    return found


@pytest.mark.parametrize("code", [c for c, r in RULES.items() if r.example.strip()])
def test_example_is_reported_and_use_instead_is_not(example_findings, code: str) -> None:
    assert code in example_findings.get((code, "example"), set())
    assert example_findings.get((code, "use_instead"), set()) == set()


def _files_for(code: str) -> list[Path]:
    return [p for p in fixture_files() if p.name.lower().startswith(code.lower())]


def _positives(code: str) -> int:
    paths = fixture_files() + [p for d in project_dirs() for p in d.rglob("*.py")]
    count = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = EXPECT.search(line)
            if match and code in match.group("codes"):
                count += 1
    return count


def _negatives(code: str) -> int:
    """Top-level functions and classes, in the rule's fixture files, with no finding for it."""
    count = 0
    for path in _files_for(code):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        module = cst.parse_module(text)
        wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
        positions = wrapper.resolve(cst.metadata.PositionProvider)
        for statement in module.body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                span = positions[statement]
                body = lines[span.start.line - 1 : span.end.line]
                if not any(code in (EXPECT.search(line) or [""])[0] for line in body):
                    count += 1
    return count


@pytest.mark.parametrize("code", [c for c in RULES if c != "CTX002"])
def test_rule_has_three_positive_and_three_negative_fixture_cases(code: str) -> None:
    assert _positives(code) >= 3, f"{code}: fewer than 3 `# error: {code}` lines in testdata/"
    if not RULES[code].engine_only:
        assert _negatives(code) >= 3, f"{code}: fewer than 3 clean functions/classes in testdata/*/{code.lower()}_*.py"


def test_readme_rule_index_is_current() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- rules:start -->\n", "<!-- rules:end -->"
    assert start in readme and end in readme
    index = readme.split(start, 1)[1].split(end, 1)[0]
    assert index == run_ctxlint("rules", "--markdown").stdout.decode()


def test_internal_error_is_reported_and_other_findings_survive(tmp_path: Path) -> None:
    """CTX002 cannot come from valid rules; a deliberately broken rule shows the engine's guard."""
    script = textwrap.dedent(
        """
        import libcst as cst
        from ctxlint.engine import lint_bytes
        from ctxlint.analysis.project import ProjectFacts
        from ctxlint.rules.base import Rule
        from ctxlint.settings import Settings

        class Broken(Rule):
            '''## What it does\\nbreaks'''
            code = "CTX299"
            name = "broken"
            triggers = ("Thread",)

            def visit_Call(self, node):
                raise ZeroDivisionError("boom")

        # The registry collects rules from ctxlint's own rule modules; add this one to it.
        import ctxlint.rules
        shipped = ctxlint.rules._load()
        ctxlint.rules._load = lambda: tuple(sorted((*shipped, ("CTX299", Broken))))

        # CTX201: the thread runs the caller's callable (`job`); no project facts are needed
        source = b"import threading\\n\\ndef f(job):\\n    threading.Thread(target=job).start()\\n"
        result = lint_bytes(source, "jobs.py", Settings(extend_select=("CTX2",)), ProjectFacts())
        for finding in result.findings:
            print(finding.code, finding.message)
        """
    )
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert "CTX002 internal error in CTX299 (broken): ZeroDivisionError: boom" in lines
    assert any(line.startswith("CTX201 ") for line in lines)
