"""The flake8 plugin, loaded by flake8 through its entry point, agrees with the CLI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import PREVIEW_CODE, PREVIEW_SOURCE, READS_CONTEXT, is_preview, line_of, script
from fixtures import lint_all

ENABLE = '[tool.ctxlint]\nextend-select = ["CTX2"]\n'
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>CTX\d{3}) ")


def run_flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [script("flake8"), "--isolated", "--select", "CTX", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_plugin_is_registered_under_ctx() -> None:
    completed = subprocess.run([script("flake8"), "--version"], capture_output=True, text=True)
    assert "ctxlint" in completed.stdout


def test_parity_with_cli_on_all_fixtures(tmp_path: Path) -> None:
    fixtures, cli = lint_all(tmp_path)
    completed = run_flake8(".", "-j", "2", cwd=tmp_path)
    assert completed.returncode in (0, 1), completed.stderr
    flake8: dict[Path, set[tuple[int, str]]] = {}
    for line in completed.stdout.splitlines():
        match = LINE.match(line)
        assert match, line
        path = (tmp_path / match["path"]).resolve()
        flake8.setdefault(path, set()).add((int(match["line"]), match["code"]))
    # flake8 reports its own E999 for a file it cannot parse and runs no plugin on it.
    cli = {path: found for path, found in cli.items() if found and not any(code == "CTX001" for _, code in found)}
    assert cli, "the fixtures produced no findings at all"
    assert flake8 == cli


def test_columns_match_cli(tmp_path: Path) -> None:
    source = tmp_path / "jobs.py"
    text = "import threading\n" + READS_CONTEXT + "\n\ndef f():\n    x = 1; threading.Thread(target=audit).start()\n"
    source.write_text(text)
    (tmp_path / "pyproject.toml").write_text(ENABLE)
    completed = run_flake8("jobs.py", cwd=tmp_path)
    assert completed.stdout.startswith(f"jobs.py:{line_of(text, 'x = 1;')}:12: CTX201 "), completed.stdout


def test_noqa_is_honoured(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ENABLE)
    text = (
        "import threading\n" + READS_CONTEXT + "\n\ndef f():\n"
        "    threading.Thread(target=audit).start()  # noqa: CTX201\n"
        "    threading.Thread(target=audit).start()  # noqa: CTX202\n"
        "    threading.Thread(\n        target=audit,\n    ).start()  # noqa: CTX2\n"
    )
    (tmp_path / "jobs.py").write_text(text)
    completed = run_flake8("jobs.py", cwd=tmp_path)
    reported = line_of(text, "# noqa: CTX202")
    assert [line.split(": ")[0] for line in completed.stdout.splitlines()] == [f"jobs.py:{reported}:5"]


def test_preview_rules_need_an_option(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ctxlint]\n")
    (tmp_path / "jobs.py").write_text(PREVIEW_SOURCE)
    assert is_preview(PREVIEW_CODE)
    assert run_flake8("jobs.py", cwd=tmp_path).stdout == ""
    preview = run_flake8("jobs.py", "--ctxlint-preview", cwd=tmp_path)
    assert PREVIEW_CODE in preview.stdout
    selected = subprocess.run(
        [script("flake8"), "--isolated", "--select", PREVIEW_CODE, "jobs.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert PREVIEW_CODE in selected.stdout


def test_target_version_option(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ENABLE)
    (tmp_path / "jobs.py").write_text(
        "import contextvars\nimport threading\n" + READS_CONTEXT + "\n\ndef f():\n"
        "    threading.Thread(target=audit, context=contextvars.copy_context()).start()\n"
    )
    assert "CTX201" in run_flake8("jobs.py", cwd=tmp_path).stdout
    assert run_flake8("jobs.py", "--ctxlint-target-version", "py314", cwd=tmp_path).stdout == ""
