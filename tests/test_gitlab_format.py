"""`--output-format gitlab`: GitLab Code Quality JSON, checked against the fields GitLab
documents for a Code Quality report, through the installed `ctxlint` command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema

from conftest import run_ctxlint, run_json
from ctxlint.rules import registry

# GitLab's Code Quality report format: a JSON array of objects, each with these fields
# (`location.lines.begin`, or `location.positions.begin.line`, which ctxlint does not use).
CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {"type": "integer", "minimum": 1},
                            "end": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}

CONFIG = '[tool.ctxlint]\nextend-select = ["CTX201"]\n'
JOBS = """\
import asyncio
import contextvars
import threading

request_id = contextvars.ContextVar("request_id", default="-")


def work():
    print(request_id.get())


def handle():
    threading.Thread(target=work).start()
    threading.Thread(target=work).start()


async def serve():
    asyncio.create_task(serve())
"""


def gitlab(root: Path, *paths: str) -> list[dict]:
    completed = run_ctxlint("check", "--no-cache", "--output-format", "gitlab", *paths, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    report = json.loads(completed.stdout)
    jsonschema.validate(report, CODE_QUALITY_SCHEMA)
    return report


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_report_has_gitlab_fields_for_every_finding(tmp_path: Path) -> None:
    root = make(tmp_path, {"pyproject.toml": CONFIG, "app/jobs.py": JOBS})
    report = gitlab(root)
    findings = run_json(cwd=root)
    assert len(report) == len(findings) == 3
    for issue, finding in zip(report, findings):
        assert issue["check_name"] == finding["code"]
        assert issue["description"] == f"{finding['code']} {finding['message']}"
        assert issue["location"] == {
            "path": "app/jobs.py",
            "lines": {"begin": finding["line"], "end": finding["end_line"]},
        }
    # Preview rules are warnings elsewhere, so "minor" here; default rules "major".
    assert [issue["check_name"] for issue in report] == ["CTX201", "CTX201", "CTX401"]
    assert [issue["severity"] for issue in report] == [
        "minor" if registry()[issue["check_name"]].preview else "major" for issue in report
    ]
    assert report[2]["severity"] == "major"
    # GitLab keeps one issue per fingerprint: two identical lines must not share one.
    assert len({issue["fingerprint"] for issue in report}) == 3


def test_no_findings_is_an_empty_report(tmp_path: Path) -> None:
    root = make(tmp_path, {"pyproject.toml": CONFIG, "clean.py": "x = 1\n"})
    completed = run_ctxlint("check", "--no-cache", "--output-format", "gitlab", cwd=root)
    assert (completed.returncode, completed.stdout) == (0, b"[]\n")


def test_fingerprints_survive_line_shifts_and_change_with_the_line(tmp_path: Path) -> None:
    root = make(tmp_path, {"pyproject.toml": CONFIG, "app/jobs.py": JOBS})
    before = gitlab(root)
    shifted = JOBS.replace("import threading\n", "import threading\n\nLIMIT = 10\n\n\n").replace(
        "def handle():\n", "def handle():\n\n\n"
    )
    (root / "app" / "jobs.py").write_text(shifted)
    after = gitlab(root)
    assert [i["location"]["lines"]["begin"] for i in after] != [i["location"]["lines"]["begin"] for i in before]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]

    edited = shifted.replace(
        "async def serve():\n    asyncio.create_task(serve())", "async def serve():\n    asyncio.create_task(serve(1))"
    )
    (root / "app" / "jobs.py").write_text(edited)
    changed = gitlab(root)
    assert [i["fingerprint"] for i in changed][:2] == [i["fingerprint"] for i in before][:2]
    assert changed[2]["fingerprint"] != before[2]["fingerprint"]


def test_fingerprint_is_the_baseline_fingerprint(tmp_path: Path) -> None:
    root = make(tmp_path, {"pyproject.toml": CONFIG, "app/jobs.py": JOBS})
    report = gitlab(root)
    written = run_ctxlint("check", "--no-cache", "--write-baseline", "baseline.json", cwd=root)
    assert written.returncode == 0, written.stderr.decode()
    entries = json.loads((root / "baseline.json").read_text())["findings"]
    keys = [[e["path"], e["code"], e["context"], e["occurrence"]] for e in entries]
    expected = {hashlib.sha256(json.dumps(key).encode()).hexdigest() for key in keys}
    assert {issue["fingerprint"] for issue in report} == expected


def test_gitlab_is_listed_in_help() -> None:
    completed = run_ctxlint("check", "--help")
    assert "gitlab" in completed.stdout.decode()
