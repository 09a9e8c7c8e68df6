"""`--write-baseline` / `--baseline`: only findings that are not in the baseline fail the build.

Everything runs through the installed console script on a copy of the
`testdata/projects/baseline_legacy` project.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import TESTDATA, run_ctxlint

BASELINE = "ctxlint-baseline.json"
# A realistic edit at the top of a module: a docstring, an import and a constant.
TEN_LINES = '''"""Background jobs.

Moved here from the old monolith; see docs/jobs.md.
"""

from __future__ import annotations

import os

MAX_JOBS = int(os.environ.get("MAX_JOBS", "4"))
'''
NEW_FINDING = '''

def notify(job):
    threading.Thread(target=process, args=(job,)).start()
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "service"
    shutil.copytree(TESTDATA / "projects" / "baseline_legacy", target)
    return target


def check(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return run_ctxlint("check", "--no-cache", *args, cwd=cwd or project)


def findings(project: Path, *args: str, cwd: Path | None = None) -> list[dict]:
    completed = check(project, "--output-format", "json", *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    return json.loads(completed.stdout)


def write_baseline(project: Path) -> list[dict]:
    completed = check(project, "--write-baseline", BASELINE, "--exit-zero")
    assert completed.returncode == 0, completed.stderr.decode()
    return json.loads((project / BASELINE).read_text(encoding="utf-8"))["findings"]


def test_baseline_survives_shifted_lines_and_reports_only_the_new_finding(project: Path) -> None:
    before = findings(project)
    assert len(before) >= 5
    recorded = write_baseline(project)
    assert len(recorded) == len(before)

    clean = check(project, "--baseline", BASELINE)
    assert clean.returncode == 0, clean.stdout.decode()
    assert clean.stdout.decode() == "All checks passed!\n"

    jobs = project / "legacy" / "jobs.py"
    jobs.write_text(TEN_LINES + jobs.read_text(encoding="utf-8"), encoding="utf-8")
    assert TEN_LINES.count("\n") == 10
    shifted = findings(project)
    # The edit really moved every finding of the file (and nothing else changed).
    expected = sorted(
        (f["filename"], f["line"] + (10 if f["filename"] == "legacy/jobs.py" else 0), f["code"]) for f in before
    )
    assert sorted((f["filename"], f["line"], f["code"]) for f in shifted) == expected
    assert findings(project, "--baseline", BASELINE) == []
    assert check(project, "--baseline", BASELINE).returncode == 0

    with jobs.open("a", encoding="utf-8") as stream:
        stream.write(NEW_FINDING)
    new_line = len(jobs.read_text(encoding="utf-8").splitlines())
    reported = findings(project, "--baseline", BASELINE)
    assert [(f["filename"], f["line"], f["code"]) for f in reported] == [("legacy/jobs.py", new_line, "CTX201")]
    completed = check(project, "--baseline", BASELINE)
    assert completed.returncode == 1
    assert completed.stdout.decode().startswith(f"legacy/jobs.py:{new_line}:5: CTX201 ")


def test_a_copy_of_a_baselined_line_is_new_and_removing_one_keeps_the_rest(project: Path) -> None:
    jobs = project / "legacy" / "jobs.py"
    original = jobs.read_text(encoding="utf-8")
    function = original[original.index("def fan_out") : original.index("def submit_all")]
    copy = function.replace("def fan_out", "def fan_out_again")
    jobs.write_text(original + "\n\n" + copy, encoding="utf-8")
    write_baseline(project)
    assert findings(project, "--baseline", BASELINE) == []

    # A third copy has the same code and the same surrounding lines: its occurrence is new.
    third = copy.replace("fan_out_again", "fan_out_thrice")
    jobs.write_text(original + "\n\n" + copy + "\n\n" + third, encoding="utf-8")
    reported = findings(project, "--baseline", BASELINE)
    assert len(reported) == 1 and reported[0]["code"] == "CTX201"
    assert reported[0]["line"] > len((original + "\n\n" + copy).splitlines())

    # Deleting the first copy (fixing it) must not resurrect the others.
    jobs.write_text(original.replace(function, "") + "\n\n" + copy, encoding="utf-8")
    assert findings(project, "--baseline", BASELINE) == []


def test_reindenting_and_blank_lines_keep_findings_baselined(project: Path) -> None:
    write_baseline(project)
    audit = project / "legacy" / "audit.py"
    head, _, body = audit.read_text(encoding="utf-8").partition("\n\n\ndef write_audit_entry")
    # The functions move into a factory (nested functions, so `write_audit_entry` still
    # resolves to the worker that reads `request_id`), with more blank lines between them.
    body = textwrap.indent("def write_audit_entry" + body.replace("\n\n\n", "\n\n\n\n"), "    ")
    audit.write_text(head + "\n\n\ndef auditor():\n" + body + "\n    return audit\n", encoding="utf-8")
    moved = [f for f in findings(project) if f["filename"] == "legacy/audit.py"]
    assert [f["column"] for f in moved] == [9]  # still reported without the baseline, re-indented
    assert findings(project, "--baseline", BASELINE) == []


def test_baseline_paths_are_relative_to_the_baseline_file(project: Path) -> None:
    write_baseline(project)
    document = json.loads((project / BASELINE).read_text(encoding="utf-8"))
    paths = {entry["path"] for entry in document["findings"]}
    assert paths == {f["filename"] for f in findings(project)}
    assert all(not Path(path).is_absolute() for path in paths)
    # Running from a subdirectory, on that directory, with the same baseline.
    package = project / "legacy"
    assert findings(project, "--baseline", f"../{BASELINE}", ".", cwd=package) == []
    assert findings(project, "--baseline", str(project / BASELINE), str(project)) == []
    # Writing it again gives the same bytes (it is committed to the repository).
    before = (project / BASELINE).read_bytes()
    write_baseline(project)
    assert (project / BASELINE).read_bytes() == before


def test_baseline_applies_to_every_output_format(project: Path) -> None:
    write_baseline(project)
    sarif = json.loads(check(project, "--baseline", BASELINE, "--output-format", "sarif").stdout)
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["tool"]["driver"]["rules"] == []
    assert check(project, "--baseline", BASELINE, "--output-format", "github").stdout == b""
    assert check(project, "--baseline", BASELINE, "--statistics").stdout == b""


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "baseline file not found"),
        ("{not json", "baseline is not valid JSON"),
        ("[]", "not a ctxlint baseline"),
        ('{"ctxlint-baseline": 1, "findings": [{"path": "x.py"}]}', "malformed baseline entry"),
    ],
)
def test_unusable_baseline_is_a_usage_error(project: Path, content: str | None, message: str) -> None:
    if content is not None:
        (project / BASELINE).write_text(content, encoding="utf-8")
    completed = check(project, "--baseline", BASELINE)
    assert completed.returncode == 2
    stderr = completed.stderr.decode()
    assert stderr.count("\n") == 1 and message in stderr and BASELINE in stderr


def test_write_baseline_into_missing_directory_is_a_usage_error(project: Path) -> None:
    completed = check(project, "--write-baseline", "missing/ctxlint-baseline.json")
    assert completed.returncode == 2
    assert "cannot write baseline" in completed.stderr.decode()
    assert not (project / "missing").exists()
