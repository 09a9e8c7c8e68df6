"""The gate and the result cache change nothing but the time a run takes (SPEC §1).

The gate keeps a file away from LibCST when its text lacks the trigger tokens of every
enabled rule; a rule whose triggers miss one way it can fire would silently lose findings
there. The result cache replays findings recorded for the same content, settings, project
facts and ctxlint build. Each test lints real code through the console script with the
full default and preview rule set, with the gate and with the hidden `--no-gate` flag (and
the slow sweep also through a cache being written, then read), and requires byte-identical
JSON output.
"""

from __future__ import annotations

import json
import shutil
import sysconfig
import textwrap
from pathlib import Path

import pytest
from conftest import run_ctxlint
from fixtures import materialise

from ctxlint.rules.base import registry

JSON = ("check", "--preview", "--output-format", "json", "--exit-zero")


def lint(*args: str, cwd: Path) -> bytes:
    completed = run_ctxlint(*JSON, *args, cwd=cwd)
    assert completed.returncode == 0, completed.stderr.decode()
    assert b"Traceback" not in completed.stderr, completed.stderr.decode()
    return completed.stdout


def codes(output: bytes) -> set[str]:
    return {item["code"] for item in json.loads(output)}


def test_gate_keeps_every_fixture_finding(tmp_path: Path) -> None:
    """Every fixture (each its own project, with its header config) gives the same bytes."""
    materialise(tmp_path)
    gated = lint("--no-cache", ".", cwd=tmp_path)
    ungated = lint("--no-cache", "--no-gate", ".", cwd=tmp_path)
    assert gated == ungated
    # not vacuous: the fixtures hold positive cases for every rule that is walked
    walked = {code for code, rule in registry().items() if not rule.engine_only}
    assert walked <= codes(gated)


def test_gate_keeps_every_documented_example(tmp_path: Path) -> None:
    """Each rule's documented example, alone in an OpenTelemetry project, passes the gate."""
    for code, rule in registry().items():
        if rule.engine_only or not rule.example.strip():
            continue
        project = tmp_path / code
        project.mkdir()
        (project / "ctxlint.toml").write_text("preview = true\nopentelemetry = true\n", encoding="utf-8")
        (project / "example.py").write_text(textwrap.dedent(rule.example).lstrip("\n"), encoding="utf-8")
    gated = lint("--no-cache", ".", cwd=tmp_path)
    assert gated == lint("--no-cache", "--no-gate", ".", cwd=tmp_path)
    reported = {(item["filename"].split("/")[0], item["code"]) for item in json.loads(gated)}
    examples = {(code, code) for code, rule in registry().items() if not rule.engine_only and rule.example.strip()}
    assert examples <= reported  # each example is reported by its own rule


@pytest.mark.slow
def test_standard_library_gate_and_cache_are_invisible(tmp_path: Path) -> None:
    """The running interpreter's standard library, in an OpenTelemetry project so that the
    CTX3xx rules run too: no gate and no cache, the gate with a cache being written, and the
    gate with that cache read back. (A copy: an interpreter installed by a tool such as
    pyenv lives in a git checkout whose .gitignore covers it, and ctxlint honours that.)"""
    stdlib = tmp_path / "stdlib"
    shutil.copytree(
        sysconfig.get_paths()["stdlib"], stdlib, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc")
    )
    (stdlib / "ctxlint.toml").write_text("opentelemetry = true\n", encoding="utf-8")
    cache = tmp_path / "cache"
    common = ("stdlib",)
    baseline = lint("--no-cache", "--no-gate", *common, cwd=tmp_path)
    writing = lint("--cache-dir", str(cache), *common, cwd=tmp_path)
    assert list(cache.rglob("results-*.json")), "the cache was not written"
    reading = lint("--cache-dir", str(cache), *common, cwd=tmp_path)
    assert writing == baseline
    assert reading == baseline
    found = codes(baseline)
    assert "CTX001" in found  # lib2to3's Python 2 test data: the syntax-error path ran too
    assert len(found) > 5
