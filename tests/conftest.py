"""Shared helpers: run the installed console scripts, materialise fixtures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"


def script(name: str) -> str:
    """Path of an installed console script of the running environment."""
    candidates = [Path(sysconfig.get_path("scripts")) / name, Path(sys.executable).parent / name]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"console script {name!r} is not installed")
    return found


def run_ctxlint(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed `ctxlint` console script (the real entry point)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("CTXLINT_DEBUG", None)
    return subprocess.run(
        [script("ctxlint"), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=full_env,
        timeout=600,
    )


def run_json(*args: str, cwd: Path | None = None) -> list[dict]:
    completed = run_ctxlint("check", "--output-format", "json", "--no-cache", *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    return json.loads(completed.stdout)


@pytest.fixture
def ctxlint():
    return run_ctxlint
