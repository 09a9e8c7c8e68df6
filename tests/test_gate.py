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
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest
from conftest import python_rejects, run_ctxlint
from fixtures import materialise

from ctxlint.analysis.project import ProjectFacts
from ctxlint.gate import CodeIndex, gate
from ctxlint.rules import registry

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


# Code whose deciding names CPython does not compile as names: a local variable's
# annotation (never compiled), a string annotation, a multi-line annotation, and a file
# whose lines end in a bare "\r". Each is reported with and without the gate.
NAMES_OUTSIDE_THE_BYTECODE = {
    "local_annotation.py": (
        """
        import concurrent.futures as cf
        from typing import Optional


        def schedule(work):
            pool: cf.ThreadPoolExecutor
            pool.submit(work)


        def schedule_later(work):
            pool: Optional[
                cf.ThreadPoolExecutor
            ]
            pool.submit(work)
        """,
        {"CTX202", "CTX407"},
    ),
    "string_parameter_annotation.py": (
        """
        from __future__ import annotations

        import concurrent.futures as cf


        def schedule(pool: "cf.ThreadPoolExecutor", work):
            pool.submit(work)
        """,
        {"CTX202", "CTX407"},
    ),
    "string_context_annotation.py": (
        """
        from __future__ import annotations

        from opentelemetry import context, trace

        tracer = trace.get_tracer(__name__)


        def handle(message, parent: "context.Context | None"):
            with tracer.start_as_current_span("handle"):
                return message.body
        """,
        {"CTX103"},
    ),
    "http_client.py": (
        """
        from http import client


        def fetch(host):
            connection = client.HTTPSConnection(host)
            connection.request("GET", "/")
            return connection.getresponse().read()
        """,
        {"CTX403"},
    ),
}


def test_gate_reads_names_that_are_not_compiled(tmp_path: Path) -> None:
    (tmp_path / "ctxlint.toml").write_text("preview = true\nopentelemetry = true\n", encoding="utf-8")
    for name, (text, _codes) in NAMES_OUTSIDE_THE_BYTECODE.items():
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    old_mac = "import time\r\rasync def heartbeat(state):\r    while True:\r        state.beat()\r        time.sleep(5)\r"
    (tmp_path / "old_mac_newlines.py").write_bytes(old_mac.encode())
    gated = lint("--no-cache", ".", cwd=tmp_path)
    assert gated == lint("--no-cache", "--no-gate", ".", cwd=tmp_path)
    reported = {(item["filename"], item["code"]) for item in json.loads(gated)}
    expected = {(name, code) for name, (_text, codes) in NAMES_OUTSIDE_THE_BYTECODE.items() for code in codes}
    assert expected | {("old_mac_newlines.py", "CTX405")} <= reported


def kept_codes(text: str) -> set[str]:
    facts = ProjectFacts(opentelemetry=True, tracing_setup="config")
    rules = [rule for rule in registry().values() if not rule.engine_only]
    text = textwrap.dedent(text)
    return {rule.code for rule in gate(rules, CodeIndex(text, compile(text, "<test>", "exec")), facts)}


@pytest.mark.skipif(sys.version_info < (3, 10), reason="Python 3.9's gate tests the text")
def test_gate_ignores_words_in_comments_and_docstrings() -> None:
    """Not vacuous: the gate does keep files away on words in prose (the text alone would
    let this through to CTX403, CTX303, CTX501 and more)."""
    prose = '''
        """Send the span to http://collector, while True is kept: see requests and asyncio."""
        # publish, start_span, create_task, Session, ContextVar, except
        def answer():
            return 42
        '''
    assert kept_codes(prose) == set()
    # a module token is a whole root: `httpx` is not `http`, nor is `http.HTTPStatus` a connection
    assert "CTX403" not in kept_codes("import httpx_helpers\nfrom http import HTTPStatus\n")
    assert "CTX403" in kept_codes("import http.client\nhttp.client.HTTPConnection('h')\n")


@pytest.mark.skipif(sys.version_info < (3, 10), reason="Python 3.9's gate tests the text")
def test_gate_matches_whole_names_where_a_rule_asks_for_them() -> None:
    """`inject` is OpenTelemetry's and a trace-header writer's, `db_injector` is not."""
    injector = """
        from app import db_injector

        def handle(session):
            db_injector(session)
        """
    assert "CTX306" not in kept_codes(injector)
    inject = """
        from opentelemetry.propagate import inject

        def send(headers):
            inject(headers)
        """
    assert "CTX306" in kept_codes(inject)
    helper = """
        import asyncio

        def spawn(loop, work):
            return loop.my_create_task_helper(work)
        """
    assert "CTX401" not in kept_codes(helper)


@pytest.mark.skipif(
    not (3, 11) <= sys.version_info[:2] <= (3, 13), reason="the loop test reads CPython 3.11-3.13 instructions"
)
def test_gate_finds_loops_that_never_await() -> None:
    """CTX405 needs a loop in a coroutine whose body has no await: one that awaits, or a
    `for` over data, is not it. (An await in the loop's handler keeps the file on 3.12 and
    3.13, which lay handlers out after the function's code: the loop looks emptier, never
    fuller, than it is.)"""
    spinning = """
        import asyncio

        async def spin(state):
            await asyncio.sleep(0)
            while True:
                try:
                    state.step()
                except ValueError:
                    state.reset()
        """
    assert "CTX405" in kept_codes(spinning)
    awaiting = """
        import asyncio

        async def poll(state, items):
            while True:
                for item in items:
                    state.add(item)
                await asyncio.sleep(1)
        """
    assert "CTX405" not in kept_codes(awaiting)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="on 3.9 the gate reads the text, not the code")
def test_gate_finds_coroutines_that_catch_cancellation() -> None:
    """CTX402 needs an `async def` whose own code catches a cancellation class or holds a
    bare `except:`; a sync helper doing so next to a coroutine is not it, but a module-level
    alias of the class may be caught in any coroutine."""
    sync_catch = """
        import asyncio

        def close(conn):
            try:
                conn.close()
            except BaseException:
                pass

        async def fetch(client):
            return await client.get()
        """
    assert "CTX402" not in kept_codes(sync_catch)
    alias = """
        import asyncio
        Stop = asyncio.CancelledError

        async def poll(client):
            try:
                return await client.get()
            except Stop:
                return None
        """
    assert "CTX402" in kept_codes(alias)
    bare = """
        async def poll(client):
            try:
                return await client.get()
            except:
                return None
        """
    assert "CTX402" in kept_codes(bare)


# The standard library is split so that the parts run on different xdist workers.
STDLIB_PARTS = 3


@pytest.mark.slow
@pytest.mark.parametrize("part", range(STDLIB_PARTS))
def test_standard_library_gate_and_cache_are_invisible(tmp_path: Path, part: int) -> None:
    """A third of the running interpreter's standard library, in an OpenTelemetry project
    so that the CTX3xx rules run too: no gate and no cache, the gate with a cache being
    written, and the gate with that cache read back. (A copy: an interpreter installed by a
    tool such as pyenv lives in a git checkout whose .gitignore covers it, and ctxlint
    honours that.)"""
    source = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(
        path for path in source.rglob("*.py")
        if not {"site-packages", "__pycache__"} & set(path.relative_to(source).parts)
    )[part::STDLIB_PARTS]
    stdlib = tmp_path / "stdlib"
    for path in files:
        (stdlib / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, stdlib / path.relative_to(source))
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
    assert len(found) > 5
    # the sweep's checks (tests/test_sweep.py) on the standard library: no CTX002, and
    # CTX001 for exactly the files CPython cannot decode or parse
    findings = json.loads(baseline)
    assert [f"{f['filename']}: {f['message']}" for f in findings if f["code"] == "CTX002"] == []
    reported = {f["filename"] for f in findings if f["code"] == "CTX001"}
    rejected = {f"stdlib/{path.relative_to(source).as_posix()}" for path in files if python_rejects(path)}
    assert sorted(reported) == sorted(rejected)
    assert rejected or not any(path.name.startswith("badsyntax_") for path in files)
