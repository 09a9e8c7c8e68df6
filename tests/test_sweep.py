"""Real-code sweep: every `.py` file of the test environment's site-packages, linted by the
console script with every rule, each file named explicitly on the command line.

No CTX002, no traceback, and CTX001 for exactly the files CPython cannot decode or parse,
no more and no fewer. Files are named explicitly, because directories would be walked
honouring .gitignore, and pyenv's ignores its own `versions/`. The standard library gets
the same checks in tests/test_gate.py, which lints it as a project (with and without the
gate). The figures are printed at the end.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import time
import warnings
from pathlib import Path

import pytest
from conftest import python_rejects, run_ctxlint

pytestmark = pytest.mark.slow

CHUNK = 1000  # files per run: well under the command-line limit


def python_files() -> list[Path]:
    paths = sysconfig.get_paths()
    found = set()
    for root in {Path(paths["purelib"]), Path(paths["platlib"])}:
        for directory, _dirnames, filenames in os.walk(root):
            found.update(Path(directory, name) for name in filenames if name.endswith(".py"))
    return sorted(found)


def test_sweep_site_packages(request, tmp_path):
    # One explicit config for every file: no config of an installed package is read, and
    # the OpenTelemetry-only rules run too.
    config = tmp_path / "ctxlint.toml"
    config.write_text("opentelemetry = true\n", encoding="utf-8")
    files = python_files()
    assert len(files) > 1000, "the test extras alone have more .py files than this"
    started = time.perf_counter()
    findings, warned = [], []
    for start in range(0, len(files), CHUNK):
        chunk = [str(path) for path in files[start : start + CHUNK]]
        completed = run_ctxlint(
            "check", "--config", str(config), "--preview", "--no-cache", "--exit-zero", "--output-format", "json",
            *chunk,
            cwd=Path("/"),
        )
        assert completed.returncode == 0, completed.stderr.decode()
        assert b"Traceback" not in completed.stderr
        assert b"internal error" not in completed.stderr, completed.stderr.decode()
        findings.extend(json.loads(completed.stdout))
        warned.extend(completed.stderr.decode().splitlines())
    elapsed = time.perf_counter() - started

    internal = [f"{f['filename']}: {f['message']}" for f in findings if f["code"] == "CTX002"]
    reported = {Path("/", f["filename"]) for f in findings if f["code"] == "CTX001"}
    rejected = {path for path in files if python_rejects(path)}
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled():
        reporter.write_line(
            f"ctxlint sweep (Python {sys.version.split()[0]}): {len(files)} files, {lines} lines, "
            f"{len(findings)} findings ({len(reported)} CTX001, {len(internal)} CTX002), "
            f"{len(warned)} warnings, {elapsed:.1f}s wall"
        )

    assert internal == []
    assert sorted(map(str, reported - rejected)) == [], "CTX001 on files CPython accepts"
    assert sorted(map(str, rejected - reported)) == [], "no CTX001 on files CPython rejects"
