"""The fixture harness (Go analysistest discipline, flake8-async's eval files).

`testdata/<family>/ctxNNN_*.py` files mark every line that must be reported with a
trailing `# error: CTX201` (several codes comma-separated). Header lines
`# ctxlint: key = <toml value>` (or a bare `# ctxlint: preview`) become that fixture's
`ctxlint.toml`, so each fixture is its own project: facts from one cannot leak into
another. `testdata/projects/NAME/` directories are whole projects with their own config.
Everything is linted in one run of the real console script.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from conftest import TESTDATA, run_json

EXPECT = re.compile(r"#\s*error:\s*(?P<codes>CTX\d{3}(?:\s*,\s*CTX\d{3})*)")
HEADER = re.compile(r"^#\s*ctxlint:\s*(?P<body>.+?)\s*$")
FAMILIES = ("linter", "traces", "threads", "boundaries", "cancellation", "lifecycle")


@dataclass(frozen=True)
class Fixture:
    source: Path  # the fixture file or project directory in testdata/
    copy: Path  # where it was materialised


def fixture_files() -> list[Path]:
    return sorted(p for family in FAMILIES for p in (TESTDATA / family).glob("*.py"))


def project_dirs() -> list[Path]:
    return sorted(p for p in (TESTDATA / "projects").glob("*") if p.is_dir())


def header_config(path: Path) -> str:
    lines = ["[tool.ctxlint]"]
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.match(line)
        if match is None:
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = match.group("body")
        lines.append(body if "=" in body else f"{body} = true")
    return "\n".join(lines) + "\n"


def expected_findings(path: Path) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            for code in match.group("codes").split(","):
                found.add((number, code.strip()))
    return found


def materialise(tmp: Path) -> list[Fixture]:
    """Copy every fixture into its own project folder under `tmp`."""
    fixtures = []
    for path in fixture_files():
        folder = tmp / path.parent.name / path.stem
        folder.mkdir(parents=True)
        (folder / "pyproject.toml").write_text(header_config(path), encoding="utf-8")
        shutil.copy(path, folder / path.name)
        fixtures.append(Fixture(path, folder / path.name))
    for directory in project_dirs():
        target = tmp / "projects" / directory.name
        shutil.copytree(directory, target)
        for source in sorted(directory.rglob("*.py")):
            fixtures.append(Fixture(source, target / source.relative_to(directory)))
    return fixtures


def lint_all(tmp: Path) -> tuple[list[Fixture], dict[Path, set[tuple[int, str]]]]:
    """Materialise and lint everything once with the console script: actual findings per copy."""
    fixtures = materialise(tmp)
    actual: dict[Path, set[tuple[int, str]]] = {f.copy.resolve(): set() for f in fixtures}
    for item in run_json(str(tmp), cwd=tmp):
        actual.setdefault((tmp / item["filename"]).resolve(), set()).add((item["line"], item["code"]))
    return fixtures, actual
