"""Shared helpers: run the installed console scripts, materialise fixtures."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import warnings
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


def python_rejects(path: Path) -> bool:
    """Whether CPython itself cannot decode or parse the file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        try:
            ast.parse(path.read_bytes())
            return False
        except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
            return True


def run_json(*args: str, cwd: Path | None = None) -> list[dict]:
    completed = run_ctxlint("check", "--output-format", "json", "--no-cache", *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    return json.loads(completed.stdout)


@pytest.fixture
def ctxlint():
    return run_ctxlint


# ---------------------------------------------------------------------- canary findings
# Tests that are not about one rule (exit codes, columns, noqa, outputs, caches, fixes)
# need code the rules really report. CTX201-CTX203 report a hop only when its work needs
# the context and the hop is not start-up code: `audit` below reads a ContextVar, and the
# thread is started per call (in `handle`). CTX201's (unsafe) fix runs the target in
# `contextvars.copy_context()`. CTX201 is default since the tenth round of
# benchmarks/precision/ctx2.md; the tests written while it was preview still select the
# family (`extend-select = ["CTX2"]` in their config, `--extend-select CTX2`, or `--preview`).
READS_CONTEXT = """\
from contextvars import ContextVar

request_id = ContextVar("request_id", default="-")


def audit(*event):
    print(request_id.get(), *event)
"""
# CTX201 at 12:5-12:50.
THREAD_CALL = "threading.Thread(target=audit, args=(event,))"
THREAD = "import threading\n" + READS_CONTEXT + f"\n\ndef handle(event):\n    {THREAD_CALL}.start()\n"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of `text` that contains `needle`."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


# A preview rule's finding, for tests of how preview rules are enabled: CTX505
# (contextvar-get-may-raise, family CTX5), `get()` on a ContextVar without a default.
PREVIEW_CODE, PREVIEW_FAMILY = "CTX505", "CTX5"
PREVIEW_SOURCE = """\
import contextvars

tenant = contextvars.ContextVar("tenant")


def current():
    return tenant.get()
"""


def is_preview(code: str) -> bool:
    from ctxlint.rules import registry

    return registry()[code].preview
