"""Real-code sweep: every `.py` file of the running interpreter's standard library and of
the test environment's site-packages, linted by the console script with every rule.

No CTX002, no traceback, and CTX001 for exactly the files CPython cannot decode or parse
(the standard library's deliberately broken test files), no more and no fewer. Files are
named explicitly, because directories would be walked honouring .gitignore, and pyenv's
ignores its own `versions/`. The figures are printed at the end.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import sysconfig
import time
import warnings
from pathlib import Path

import pytest
from conftest import run_ctxlint

pytestmark = pytest.mark.slow

CHUNK = 1000  # files per run: well under the command-line limit


def python_files() -> list[Path]:
    paths = sysconfig.get_paths()
    stdlib = Path(paths["stdlib"])
    found = set()
    for root in {stdlib, Path(paths["purelib"]), Path(paths["platlib"])}:
        for directory, dirnames, filenames in os.walk(root):
            if Path(directory) == stdlib:  # the interpreter's own site-packages is not the test env's
                dirnames[:] = [name for name in dirnames if name != "site-packages"]
            found.update(Path(directory, name) for name in filenames if name.endswith(".py"))
    return sorted(found)


def python_rejects(path: Path) -> bool:
    """Whether CPython itself cannot decode or parse the file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        try:
            ast.parse(path.read_bytes())
            return False
        except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
            return True


def test_sweep_standard_library_and_site_packages(request, tmp_path):
    # One explicit config for every file: no config of an installed package is read, and
    # the OpenTelemetry-only rules run too.
    config = tmp_path / "ctxlint.toml"
    config.write_text("opentelemetry = true\n", encoding="utf-8")
    files = python_files()
    assert len(files) > 1000, "the standard library alone has more .py files than this"
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
