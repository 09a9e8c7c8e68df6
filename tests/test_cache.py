"""The result cache invalidates exactly what a change can affect, through the console script.

`--verbose` says how many files were linted and how many answered from the cache; the
findings must always be those of a run without the cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from conftest import run_ctxlint, script

SERVICE = textwrap.dedent(
    """
    import requests
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    tracer = trace.get_tracer(__name__)


    @tracer.start_as_current_span("fetch")  # traced work: CTX301 reports requests a trace reaches
    def fetch(user_id):
        return requests.get(f"https://profiles/{user_id}", timeout=5)
    """
).lstrip()
TELEMETRY = "from opentelemetry.instrumentation.requests import RequestsInstrumentor\n\nRequestsInstrumentor().instrument()\n"
# CTX201: the thread runs the caller's callable (`job`), whose context need is unknown.
THREADED = "import threading\n\n\ndef handle(job):\n    threading.Thread(target=job).start()\n"
CLEAN = "VALUE = 1\n"
# CTX403 (a call without a timeout): a finding that depends on nothing outside its file.
UNTIMED = "import requests\n\n\ndef ping(url):\n    return requests.get(url)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.ctxlint]\nextend-select = ["CTX201", "CTX301", "CTX403"]\n', encoding="utf-8")
    (tmp_path / "service.py").write_text(SERVICE, encoding="utf-8")
    (tmp_path / "telemetry.py").write_text(TELEMETRY, encoding="utf-8")
    (tmp_path / "worker.py").write_text(THREADED, encoding="utf-8")
    (tmp_path / "constants.py").write_text(CLEAN, encoding="utf-8")
    old = 1_600_000_000  # older than the cache's "racy" window: stats are trusted at once
    for path in tmp_path.glob("*.py"):
        os.utime(path, (old, old))
    return tmp_path


def lint(project: Path, env: dict[str, str] | None = None) -> tuple[list[str], int, int]:
    """(findings as `file:line CODE`, files linted, files answered from the cache)."""
    completed = run_ctxlint("check", "--verbose", "--output-format", "json", cwd=project, env=env)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    counts = re.search(rb"\((\d+) linted, \d+ of them skipped by the gate; (\d+) from the cache\)", completed.stderr)
    assert counts is not None, completed.stderr.decode()
    findings = sorted(f"{f['filename']}:{f['line']} {f['code']}" for f in json.loads(completed.stdout))
    uncached = run_ctxlint("check", "--no-cache", "--output-format", "json", cwd=project, env=env)
    assert findings == sorted(f"{f['filename']}:{f['line']} {f['code']}" for f in json.loads(uncached.stdout))
    return findings, int(counts.group(1)), int(counts.group(2))


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    old = 1_700_000_000
    os.utime(path, (old, old))


def test_an_unchanged_tree_is_answered_from_the_cache(project: Path) -> None:
    first, linted, cached = lint(project)
    assert (linted, cached) == (4, 0)
    assert first == ["worker.py:5 CTX201"]
    assert lint(project) == (first, 0, 4)


def test_editing_a_file_relints_only_that_file(project: Path) -> None:
    lint(project)
    edit(project / "constants.py", CLEAN + UNTIMED)
    findings, linted, cached = lint(project)
    assert (linted, cached) == (1, 3)
    assert findings == ["constants.py:6 CTX403", "worker.py:5 CTX201"]


def test_touching_a_file_without_changing_it_costs_a_hash_not_a_lint(project: Path) -> None:
    lint(project)
    edit(project / "worker.py", THREADED)  # new mtime, same content
    assert lint(project) == (["worker.py:5 CTX201"], 0, 4)


def test_changing_the_config_relints_everything(project: Path) -> None:
    lint(project)
    (project / "pyproject.toml").write_text('[tool.ctxlint]\nignore = ["CTX201"]\n', encoding="utf-8")
    findings, linted, cached = lint(project)
    assert (linted, cached) == (4, 0)
    assert findings == []  # CTX201 is no longer selected


def test_removing_an_instrumentor_elsewhere_relints_the_project(project: Path) -> None:
    lint(project)
    edit(project / "telemetry.py", "# instrumentation moved out\n")
    findings, linted, cached = lint(project)
    assert (linted, cached) == (4, 0)
    assert findings == ["service.py:11 CTX301", "worker.py:5 CTX201"]


# Installed with PYTHONPATH: the same checkout reporting another version, as after an upgrade.
UPGRADE = "import ctxlint\n\nctxlint.__version__ = '999.0.0'\n"


def test_a_new_ctxlint_version_starts_afresh(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    lint(project)
    hook = tmp_path_factory.mktemp("upgrade")
    (hook / "sitecustomize.py").write_text(UPGRADE, encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))}
    version = run_ctxlint("version", env=env).stdout.decode()
    assert "999.0.0" in version
    findings, linted, cached = lint(project, env=env)
    assert (linted, cached) == (4, 0)
    assert findings == ["worker.py:5 CTX201"]
    assert lint(project, env=env)[1:] == (0, 4)


def test_a_derived_settings_object_has_its_own_fingerprint() -> None:
    """The fingerprint is memoised per Settings object; `replace()` (how overrides and the
    project root are applied) must not carry the memo over to a different selection."""
    from dataclasses import replace

    from ctxlint.settings import Settings

    base = Settings()
    before = base.fingerprint()
    derived = replace(base, preview=True)
    assert derived.fingerprint() != before
    assert replace(base, root="/elsewhere").fingerprint() == before  # the root is not a finding input
    assert base.fingerprint() == before


POOL = textwrap.dedent(
    """
    from concurrent.futures import ThreadPoolExecutor

    from helpers import render

    pool = ThreadPoolExecutor()


    def handle(order):
        return pool.submit(render, order)
    """
).lstrip()
FREE_HELPER = "def render(order):\n    return str(order)\n"
READING_HELPER = textwrap.dedent(
    """
    from contextvars import ContextVar

    request_id = ContextVar("request_id", default=None)


    def render(order):
        return f"{request_id.get()}: {order}"
    """
).lstrip()


def test_a_callee_that_starts_reading_the_context_is_seen_by_its_callers_hop(project: Path) -> None:
    # the context flow is cached with the facts: an edit elsewhere must reach the hop
    (project / "orders.py").write_text(POOL, encoding="utf-8")
    (project / "helpers.py").write_text(FREE_HELPER, encoding="utf-8")
    assert lint(project)[0] == ["worker.py:5 CTX201"]
    edit(project / "helpers.py", READING_HELPER)
    assert lint(project)[0] == ["orders.py:9 CTX202", "worker.py:5 CTX201"]
    edit(project / "helpers.py", FREE_HELPER)
    assert lint(project)[0] == ["worker.py:5 CTX201"]


def test_what_older_builds_left_in_the_cache_is_pruned_but_the_latest(project: Path):
    """An upgrade writes its facts and results under a new build fingerprint; the files of
    earlier builds are deleted, all but the most recently written (another build, say a
    pre-commit hook's, may take turns with this one on the same project)."""
    lint(project)
    cache = project / ".ctxlint_cache"
    (current_facts,) = cache.glob("facts-*.json")
    (current_results,) = [entry for entry in cache.iterdir() if entry.is_dir()]
    tag = current_facts.stem.rpartition("-")[2]
    now = current_facts.stat().st_mtime
    for age, build in ((300, "0.0.1-aaaaaaaaaaaa"), (200, "0.0.2-bbbbbbbbbbbb"), (100, "0.0.3-cccccccccccc")):
        for suffix in (".json", ".flow"):
            old = cache / f"facts-{build}-1-{tag}{suffix}"
            old.write_text("{}", encoding="utf-8")
            os.utime(old, (now - age, now - age))
        results = cache / build
        results.mkdir()
        (results / "results-2-x-y.json").write_text("{}", encoding="utf-8")
        os.utime(results, (now - age, now - age))
    (project / "constants.py").write_text("VALUE = 2\n", encoding="utf-8")  # the facts are written again

    lint(project)

    assert sorted(path.name for path in cache.glob("facts-*") if path.suffix != ".lock") == sorted(
        [current_facts.name, current_facts.with_suffix(".flow").name, f"facts-0.0.3-cccccccccccc-1-{tag}.json",
         f"facts-0.0.3-cccccccccccc-1-{tag}.flow"]
    )
    assert sorted(entry.name for entry in cache.iterdir() if entry.is_dir()) == sorted(
        [current_results.name, "0.0.3-cccccccccccc"]
    )


def test_a_run_waits_while_another_computes_the_projects_facts_then_reads_them(project: Path):
    """pre-commit runs the hook in several processes at once, and flake8's workers reach a
    project together: while one process holds the project's lock (computing its facts),
    another waits, then reads the facts from the cache instead of computing them again."""
    fcntl = pytest.importorskip("fcntl")
    expected, _linted, _cached = lint(project)
    cache = project / ".ctxlint_cache"
    (lock_file,) = cache.glob("facts-*.lock")
    with open(lock_file, "ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is computing the facts
        waiting = subprocess.Popen(
            [script("ctxlint"), "check", "--output-format", "json"],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        time.sleep(2)
        assert waiting.poll() is None, waiting.communicate()  # still waiting for the lock
    stdout, stderr = waiting.communicate(timeout=120)  # the lock is released: it goes on
    assert waiting.returncode == 1, stderr.decode()
    assert sorted(f"{f['filename']}:{f['line']} {f['code']}" for f in json.loads(stdout)) == expected


def test_processes_started_together_report_what_one_reports(project: Path):
    expected, _linted, _cached = lint(project)
    shutil.rmtree(project / ".ctxlint_cache")
    runs = [
        subprocess.Popen([script("ctxlint"), "check", "--output-format", "json", name], cwd=project,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name in ("service.py", "worker.py", "telemetry.py", "constants.py")
    ]
    found = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode in (0, 1), stderr.decode()
        found.extend(f"{f['filename']}:{f['line']} {f['code']}" for f in json.loads(stdout))
    assert sorted(found) == expected
