"""Fuzzing with hypothesmith: no program makes ctxlint crash, report CTX002, answer
differently twice, or write a fix that does not parse or is not final.

Three program sources: hypothesmith's grammar-based and node-based strategies (odd
whitespace, line continuations, form feeds, comments, every statement form), and the
same generated expressions placed where the fixable rules fire, so that fixes are
rewritten around arbitrary code. Every rule runs on every program: preview on, the gate
off (`--no-gate`). The CLI runs in-process (`ctxlint.cli.main`, the console script's
own entry point) to afford many programs; `test_corpus_is_linted_alike_by_the_console_script`
then lints every generated program again with the installed script, in worker processes.

Examples per strategy: CTXLINT_FUZZ_EXAMPLES (default 20, so that the default test run
stays fast; CI sets more). The figures are printed at the end of the module.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import libcst as cst
import pytest
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches and, on failure, patches under ./.hypothesis: not in the
# checkout (set before hypothesmith, whose import already fills a cache).
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="ctxlint-hypothesis-"))

import hypothesmith
from conftest import run_ctxlint
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ctxlint.cli import main

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("CTXLINT_FUZZ_EXAMPLES", "20"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the repository
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
CHECK = ("check", "--preview", "--no-gate", "--no-cache")

STATS = {"programs": 0, "with_findings": 0, "fixed": 0}
FINDINGS: dict[str, list] = {}  # program path (relative to the corpus) -> in-process findings


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, request):
    """The folder every generated program is kept in (one project per program)."""
    folder = tmp_path_factory.mktemp("fuzz")
    started = time.perf_counter()
    yield folder
    report(
        request.config,
        f"ctxlint fuzz: {STATS['programs']} programs ({EXAMPLES} examples per strategy), "
        f"{STATS['with_findings']} with findings, {STATS['fixed']} changed by --fix, "
        f"in {time.perf_counter() - started:.1f}s",
    )


def report(config, line: str) -> None:
    """Print `line` on the terminal even while pytest captures output."""
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def cli(*args: str) -> tuple[int, str, str]:
    """`ctxlint` run in this process: (exit code, stdout, stderr)."""
    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="") for _ in range(2)]
    with contextlib.redirect_stdout(streams[0]), contextlib.redirect_stderr(streams[1]):
        code = main(list(args))
    texts = []
    for stream in streams:
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))
    return code, texts[0], texts[1]


def compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # generated code warns ("'complex' object is not callable")
            compile(source, "<program>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False


def exercise(corpus: Path, program: str) -> None:
    """Lint twice, fix, fix again: the properties every program must have."""
    assume(compiles(program))
    STATS["programs"] += 1
    project = corpus / f"p{STATS['programs']:05d}"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
    path = project / "program.py"
    path.write_bytes(program.encode("utf-8"))

    first = cli(*CHECK, "--output-format", "json", str(path))
    assert first[0] in (0, 1), first
    findings = json.loads(first[1])
    assert [f for f in findings if f["code"] in ("CTX001", "CTX002")] == []
    assert cli(*CHECK, "--output-format", "json", str(path)) == first  # deterministic
    STATS["with_findings"] += bool(findings)

    code, _out, err = cli(*CHECK, "--fix", "--unsafe-fixes", str(path))
    assert code in (0, 1) and "warning" not in err, err
    fixed = path.read_bytes().decode("utf-8")
    assert compiles(fixed), fixed
    cst.parse_module(fixed)
    STATS["fixed"] += fixed != program
    code, _out, err = cli(*CHECK, "--fix", "--unsafe-fixes", str(path))
    assert code in (0, 1) and "warning" not in err, err
    assert path.read_bytes().decode("utf-8") == fixed  # a second pass changes nothing
    FINDINGS[path.relative_to(corpus).as_posix()] = _positions(json.loads(cli(*CHECK, "--output-format", "json", str(path))[1]))


def _positions(findings: list[dict]) -> list[tuple]:
    return sorted((f["line"], f["column"], f["code"], f["message"]) for f in findings)


@FUZZ_SETTINGS
@given(program=hypothesmith.from_grammar())
def test_grammar_generated_programs(corpus, program):
    exercise(corpus, program)


@FUZZ_SETTINGS
@given(program=hypothesmith.from_node())
def test_node_generated_programs(corpus, program):
    exercise(corpus, program)


def _expression(source: str) -> bool:
    try:
        compile(source, "<expression>", "eval", dont_inherit=True)
        return bool(source.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False


# (Expressions from LibCST nodes: the grammar's `eval_input` start runs dry after a few.)
EXPRESSIONS = hypothesmith.from_node(cst.BaseExpression, auto_target=False).filter(_expression).map(lambda s: f"({s.strip()})")

# Every fixable form (CTX201 Thread, Timer, _thread; CTX202 submit; CTX203 both fixes),
# around generated code and generated arguments. CTX201-CTX203 report work that needs the
# context: here the caller's callable `job` (alone, or in a partial with a generated
# argument, so that the fix moves generated code); a generated target is reported only if
# it happens to need the context.
FIXABLE = '''\
import _thread
import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor

{prelude}

EXECUTOR = ThreadPoolExecutor()


def handle(request, job):
    threading.Thread(target={f}, args={args}).start()
    threading.Thread(target=job, args={args}).start()
    threading.Thread(target=functools.partial(job, {f}), args=({a}, {b}), daemon={a}).start()
    threading.Timer({a}, job, args=[{b}]).start()
    _thread.start_new_thread(job, {args})
    with ThreadPoolExecutor() as pool:
        return pool.submit(functools.partial(job, {f}), {a}, key={b})


async def offload(job):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, job, {a})
    return loop.run_in_executor(EXECUTOR, functools.partial(job, {f}), {b})
'''


@FUZZ_SETTINGS
@given(
    prelude=hypothesmith.from_grammar(),
    f=EXPRESSIONS,
    a=EXPRESSIONS,
    b=EXPRESSIONS,
    args=st.one_of(EXPRESSIONS, EXPRESSIONS.map(lambda e: f"({e},)")),
)
def test_fixable_calls_around_generated_code(corpus, prelude, f, a, b, args):
    exercise(corpus, FIXABLE.format(prelude=prelude, f=f, a=a, b=b, args=args))


def test_corpus_is_linted_alike_by_the_console_script(corpus):
    """Every program generated above, linted by the installed script with worker processes
    and without: the same findings as in-process, run after run."""
    if not FINDINGS:  # this test was selected alone
        test_grammar_generated_programs(corpus)
    outputs = []
    for jobs in ("1", "2"):
        completed = run_ctxlint(*CHECK, "--output-format", "json", "--jobs", jobs, ".", cwd=corpus)
        assert completed.returncode in (0, 1) and completed.stderr == b"", completed.stderr
        outputs.append(completed.stdout)
    assert outputs[0] == outputs[1]
    by_file: dict[str, list] = {name: [] for name in FINDINGS}
    for finding in json.loads(outputs[0]):
        by_file.setdefault(finding["filename"], []).append(finding)
    assert {name: _positions(found) for name, found in by_file.items()} == FINDINGS
