"""The context-flow analysis behind CTX201-CTX203 and CTX206: what the work needs, why a
finding says so, and fixes that keep Sentry's scopes apart (with the real sentry-sdk)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import TESTDATA, run_ctxlint, run_json, script

pytest.importorskip("sentry_sdk")


def findings_of(project: str) -> dict[int, str]:
    found = run_json(".", cwd=TESTDATA / "projects" / project)
    return {finding["line"]: finding["message"] for finding in found}


def test_messages_name_what_the_work_needs_and_the_path_to_it() -> None:
    messages = findings_of("context_flow")
    assert "`render_receipt` reads ContextVar `request_id` (via `render_receipt` → `format_line` → `current_request`)" in messages[49]
    assert "`write_audit` logs through structlog, which merges context variables into every event" in messages[50]
    assert "`summarise` is decorated with langfuse `@observe`" in messages[51]
    assert "`callback` is your caller's callable" in messages[45]
    # the project's own context-propagating executor is offered as the remedy
    assert all("or use the project's `ContextExecutor` (shop/pools.py)" in message for message in messages.values())
    # free work, an explicit carrier and the project's copying executor are not reported
    assert sorted(messages) == [45, 49, 50, 51]
    assert not [m for m in messages.values() if re.search(r"\.py:\d", m)], "messages carry no line numbers (SPEC §3)"


def test_work_is_followed_through_tables_and_a_decorators_thread() -> None:
    messages = findings_of("context_flow_dispatch")
    # `PARSERS[kind].chunk(...)` and `{...}.get(kind, text).chunk(...)` may run any entry's
    # `chunk`: the pdf parser's reads the tenant (and logs through the request-id filter;
    # the read is named, being the more specific)
    assert "`parse` reads ContextVar `tenant` (via `parse` → `chunk` → `describe_figures` → `billed_tenant`)" in messages[43]
    assert "`parse_or_split` reads ContextVar `tenant`" in messages[44]
    # the thread target of a decorator's wrapper runs the decorator's `func`: the callables
    # the project decorates are what it runs (not a coroutine function: the worker only
    # makes a coroutine of it)
    timeouts = run_json("ingest/timeouts.py", cwd=TESTDATA / "projects" / "context_flow_dispatch")
    assert [(f["code"], f["line"]) for f in timeouts] == [("CTX201", 17)]
    assert "`func` is `extract` in ingest/service.py, and `extract` reads ContextVar `tenant`" in timeouts[0]["message"]
    # a table whose every entry is free is free
    assert sorted(messages) == [17, 43, 44]


def test_a_contextvar_is_lost_only_where_it_can_hold_a_value() -> None:
    found = run_json(".", cwd=TESTDATA / "projects" / "context_flow_variable_scopes")
    messages = {(Path(f["filename"]).name, f["line"]): f["message"] for f in found}
    # the progress sink is set by a chat turn's generator (through a helper returning the
    # token) and holds in whatever consumes it: `answer`, which iterates `turn.stream(...)`
    # on an object of unknown type (every project method named `stream` may run there)
    assert "`search` logs through the logging hook `ProgressHandler.emit`, which reads a ContextVar" in messages["research.py", 14]
    # the thread `answer` starts loses it, but in that thread nothing has set it: `digest`'s
    # own hop loses nothing
    assert "`digest` logs through the logging hook `ProgressHandler.emit`" in messages["app.py", 17]
    # a function the module's `__main__` runs is per call too when other code of the
    # package calls it: here a consumer of a chat turn
    assert "`search` logs through the logging hook" in messages["sweeps.py", 9]
    # not reported: `summarise` runs for the upload route and the ingest script, where
    # nothing sets the sink; `digest` runs only in a thread that starts with nothing set;
    # `outline` is reached from roots only, through every way of calling it the graph
    # knows: an aiohttp handler registered by `add_post`, a `cmd.Cmd` command, a callable
    # object's `__call__`, a table of methods handed to a helper, and a method of an
    # instance's attribute
    assert sorted(messages) == [("app.py", 17), ("research.py", 14), ("sweeps.py", 9)]


def test_a_test_suite_keeps_context_of_its_own() -> None:
    found = run_json(".", cwd=TESTDATA / "projects" / "context_flow_test_suite")
    messages = {(f["filename"], f["line"]): f["message"] for f in found}
    # a helper that drives its caller's coroutine in a pool thread (a nested coroutine
    # awaiting the helper's parameter)
    assert "`awaitable` is your caller's callable" in messages["ledger/blocking.py", 16]
    # an autouse fixture sets the test's name, which the suite's HTTP transport reads for
    # every request a client made with it sends: a helper the tests call, and a test itself
    assert "`fetch` reads ContextVar `TEST_NAME` (via `fetch` → `client` → `_LogTransport.handle_request`)" in messages["tests/helpers.py", 30]
    assert "reads ContextVar `TEST_NAME` (via `client` → `_LogTransport.handle_request`)" in messages["tests/test_entries.py", 12]
    # not reported: the `acall` fixture's helper, which no test uses
    assert sorted(messages) == [("ledger/blocking.py", 16), ("tests/helpers.py", 30), ("tests/test_entries.py", 12)]


def test_sentry_integration_carries_only_sentrys_scope() -> None:
    messages = findings_of("context_flow_sentry")
    assert sorted(messages) == [24]
    assert "reads ContextVar `tenant`" in messages[24]
    assert "Sentry's ThreadingIntegration (api/app.py) carries only Sentry's scope" in messages[24]
    assert "fork Sentry's scopes in the worker (the fix adds `_run_in_forked_sentry_scopes`)" in messages[24]


def test_single_file_runs_see_the_call_graph_of_the_whole_project(tmp_path: Path) -> None:
    project = tmp_path / "context_flow"
    shutil.copytree(TESTDATA / "projects" / "context_flow", project)
    whole = run_json(".", cwd=project)
    alone = run_json("shop/service.py", cwd=project)
    assert [(f["line"], f["message"]) for f in alone] == [(f["line"], f["message"]) for f in whole]
    source = (project / "shop" / "service.py").read_bytes()
    stdin = run_ctxlint(
        "check", "--output-format", "json", "--no-cache", "--stdin-filename", "shop/service.py", cwd=project, stdin=source
    )
    assert [(f["line"], f["message"]) for f in json.loads(stdin.stdout)] == [(f["line"], f["message"]) for f in whole]
    flake8 = subprocess.run(
        [script("flake8"), "--select", "CTX", "shop/service.py"], cwd=project, capture_output=True, text=True
    )
    assert sorted(int(line.split(":")[1]) for line in flake8.stdout.splitlines()) == [f["line"] for f in whole]



UNSAVED = '''\
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

request_id = ContextVar("request_id", default="-")
pool = ThreadPoolExecutor()


def handle(event):
    threading.Thread(target=later, args=(event,)).start()  # expect: CTX201 (defined below)
    pool.submit(lambda: print(request_id.get()))  # expect: CTX202 (the lambda reads it)


def later(event):
    print(request_id.get(), event)
'''


def test_the_text_being_linted_is_judged_not_the_file_on_disk(tmp_path: Path) -> None:
    """An editor's unsaved buffer (standard input) is judged by its own call graph, not by
    the graph the project pass read from the file on disk."""
    (tmp_path / "pyproject.toml").write_text('[tool.ctxlint]\nextend-select = ["CTX2"]\n', encoding="utf-8")
    on_disk = UNSAVED.replace("print(request_id.get(), event)", "print(event)").replace("request_id.get()", "42")
    (tmp_path / "app.py").write_text(on_disk, encoding="utf-8")
    assert run_json(".", cwd=tmp_path) == []
    buffer = run_ctxlint(
        "check", "--output-format", "json", "--no-cache", "--stdin-filename", "app.py", cwd=tmp_path, stdin=UNSAVED.encode()
    )
    expected = [(number, "CTX201" if "CTX201" in line else "CTX202") for number, line in enumerate(UNSAVED.splitlines(), 1) if "expect:" in line]
    assert [(f["line"], f["code"]) for f in json.loads(buffer.stdout)] == expected
    (tmp_path / "app.py").write_text(UNSAVED, encoding="utf-8")
    assert [(f["line"], f["code"]) for f in run_json(".", cwd=tmp_path)] == expected



def test_an_edited_buffer_knows_which_contextvar_the_projects_logging_reads(tmp_path: Path) -> None:
    """The hops of a buffer that differs from the file on disk are judged with the project's
    facts: that its logging reads the progress sink, and where that sink can hold a value."""
    project = tmp_path / "assistant"
    shutil.copytree(TESTDATA / "projects" / "context_flow_variable_scopes", project)
    whole = [(f["line"], f["message"]) for f in run_json(".", cwd=project) if f["filename"].endswith("research.py")]
    edited = (project / "assistant" / "research.py").read_bytes() + b"# edited in the editor\n"
    buffer = run_ctxlint(
        "check", "--output-format", "json", "--no-cache", "--stdin-filename", "assistant/research.py", cwd=project, stdin=edited
    )
    assert [(f["line"], f["message"]) for f in json.loads(buffer.stdout)] == whole == [(14, whole[0][1])]


RUNTIME = '''
import contextvars
import json
from concurrent.futures import ThreadPoolExecutor

import sentry_sdk

sentry_sdk.init(dsn="https://key@localhost:1/1", traces_sample_rate=1.0, transport=lambda envelope: None)
request_id = contextvars.ContextVar("request_id", default="-")
seen = {}
probe = {}


@sentry_sdk.trace
def render():
    worker_span = sentry_sdk.get_current_span()
    seen["worker_trace"] = worker_span.trace_id
    seen["worker_request_id"] = request_id.get()
    # the caller's current span, read in the caller's own context while the worker runs
    seen["caller_span_is_workers"] = probe["caller"].run(sentry_sdk.get_current_span) is worker_span


def handle():
    with sentry_sdk.start_transaction(name="checkout"):
        request_id.set("req-7")
        caller_span = sentry_sdk.get_current_span()
        probe["caller"] = contextvars.copy_context()
        with ThreadPoolExecutor() as pool:
            pool.submit(render).result()
        seen["caller_trace"] = caller_span.trace_id
        seen["caller_span_unchanged"] = sentry_sdk.get_current_span() is caller_span


handle()
print(json.dumps(seen))
'''


def run_program(path: Path) -> dict:
    completed = subprocess.run([sys.executable, path.name], cwd=path.parent, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def test_the_sentry_fix_forks_the_scopes_and_carries_the_context(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ctxlint]\nextend-select = ["CTX2"]\n', encoding="utf-8")
    program = tmp_path / "checkout.py"
    program.write_text(textwrap.dedent(RUNTIME), encoding="utf-8")

    before = run_program(program)
    # the ThreadingIntegration carries Sentry's trace, not the ContextVar
    assert before["worker_trace"] == before["caller_trace"]
    assert before["worker_request_id"] == "-"

    found = run_json(".", cwd=tmp_path)
    assert [f["code"] for f in found] == ["CTX202"]
    fixed = run_ctxlint("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout.decode() + fixed.stderr.decode()
    assert "_run_in_forked_sentry_scopes" in program.read_text(encoding="utf-8")

    after = run_program(program)
    assert after["worker_request_id"] == "req-7"
    assert after["worker_trace"] == after["caller_trace"]
    assert after["caller_span_is_workers"] is False
    assert after["caller_span_unchanged"] is True


def test_a_copied_context_alone_shares_the_callers_sentry_scopes(tmp_path: Path) -> None:
    """Why the plain fix is not offered in a Sentry project (sentry-sdk 2.x)."""
    program = tmp_path / "shared.py"
    program.write_text(
        textwrap.dedent(RUNTIME).replace(
            "pool.submit(render)",
            "pool.submit(contextvars.copy_context().run, render)",
        ),
        encoding="utf-8",
    )
    seen = run_program(program)
    assert seen["worker_request_id"] == "req-7"
    assert seen["caller_span_is_workers"] is True


LOGURU_RUNTIME = """
    import contextvars
    import json
    import threading

    from loguru import logger

    trace_id = contextvars.ContextVar("trace_id", default=None)
    lines = []


    class TraceIdFilter:
        def __call__(self, record):
            record["extra"]["trace_id"] = trace_id.get()
            return True


    def beat(file_id):
        logger.warning("refresh failed for {}", file_id)


    def parse(file_id):
        trace_id.set("trace-7")
        worker = threading.Thread(target=beat, args=(file_id,))
        worker.start()
        worker.join()


    if __name__ == "__main__":
        logger.remove()
        logger.add(lines.append, format="{extra[trace_id]} {message}", filter=TraceIdFilter())
        parse(3)
        print(json.dumps({"worker_line": lines[-1].strip()}))
"""


def test_a_loguru_filter_that_reads_a_contextvar_makes_logging_context_aware(tmp_path: Path) -> None:
    messages = findings_of("context_flow_loguru")
    assert "`_keep_alive` logs through the loguru filter `TraceIdFilter.__call__`, which reads a ContextVar" in messages[24]
    assert sorted(messages) == [24]  # counting pages logs nothing

    # with the real loguru: the filter runs in the thread that logs, so the fix carries the id
    program = tmp_path / "parse.py"
    program.write_text(textwrap.dedent(LOGURU_RUNTIME), encoding="utf-8")
    assert run_program(program)["worker_line"] == "None refresh failed for 3"
    assert [f["code"] for f in run_json(".", cwd=tmp_path)] == ["CTX201"]
    fixed = run_ctxlint("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout.decode() + fixed.stderr.decode()
    assert run_program(program)["worker_line"] == "trace-7 refresh failed for 3"


def test_where_a_hop_runs_decides_what_it_can_lose() -> None:
    found = run_json(".", cwd=TESTDATA / "projects" / "context_flow_scope")
    messages = {(Path(f["filename"]).name, f["line"]): f["message"] for f in found}
    # a per-call hop: the work uses an engine whose SQLAlchemy listener reads the tenant
    assert "`load_rows` reads ContextVar `tenant` (via `load_rows` → `route_to_tenant`)" in messages["hooks.py", 30]
    # a project decorator's wrapper runs around the work: its retries log through tenacity
    # with the project's logger, whose filter reads the tenant
    assert "`fetch_rate` logs through the logging hook `TenantFilter.filter`" in messages["rates.py", 32]
    # a callable of unknown origin matters where a request's context exists: code reached
    # from a function that sets a ContextVar (through `super()`), an ASGI application
    assert "and the hop runs for a request (reached from `TenantInbound.execute`, which sets context)" in messages["activities.py", 13]
    assert "`self.app` is a callable the object was given, and the hop runs for a request (in ASGI application `__call__`)" in messages["activities.py", 33]
    # not reported: a mitmproxy hook and a Prometheus collector (a library's callbacks, where
    # the project set no context), a script's `__main__` and a function it defines, an
    # unknown callable in code that runs for no request, a builtin that needs nothing, what
    # a command-line command runs, an exit or a signal handler (commands.py), work started
    # once per process behind a module flag (exports.py)
    assert sorted(messages) == [("activities.py", 13), ("activities.py", 33), ("hooks.py", 30), ("rates.py", 32)]


def test_a_service_that_keeps_no_context_is_not_told_about_its_callers_callables(tmp_path: Path) -> None:
    project = tmp_path / "dashboard"
    shutil.copytree(TESTDATA / "projects" / "context_flow_contextless_service", project)
    assert run_json(".", cwd=project) == []
    # a route registered by a function decorator (`@route("/purge")`) makes it a service too
    (project / "dashboard" / "handlers.py").unlink()
    assert run_json(".", cwd=project) == []
    # the same runner and thread class in a library (no handlers): the callables are its
    # callers', reported
    (project / "dashboard" / "api.py").unlink()
    found = run_json(".", cwd=project)
    assert [(f["code"], Path(f["filename"]).name, f["line"]) for f in found] == [("CTX203", "runner.py", 10), ("CTX206", "workers.py", 4)]
    assert "`func` is your caller's callable" in found[0]["message"]
    assert "`self.func` is your caller's callable" in found[1]["message"]


def test_a_monorepos_distributions_are_separate_programs() -> None:
    found = run_json(".", cwd=TESTDATA / "projects" / "context_flow_monorepo")
    messages = {(Path(f["filename"]).name, f["line"]): f["message"] for f in found}
    # a ContextVar of a class, read through `cls.` and set when it was empty: the worker
    # gets a new empty one instead of the caller's
    assert "`self._run_bulk` reads ContextVar `_current` (via `Submitter._run_bulk` → `OperationContext.get_instance`)" in messages["submit.py", 17]
    # not reported: a version check whose `requests` call is instrumented only in a
    # deployment script outside the SDK's distribution; pools handed to code in a module
    # whose every pool starts its workers in a copied context
    assert sorted(messages) == [("submit.py", 17)]


def test_work_and_handlers_are_found_through_re_exports_instances_methods_by_name_and_mixins() -> None:
    messages = findings_of("context_flow_reach")
    # `from board.jobs import Runner`: the class the package re-exports from `.runner`,
    # whose `run` a subclass inherits; the instance is a local used inside a subscript
    # assignment's target
    assert "`move.run` reads ContextVar `board_id` (via `Runner.run` → `audit` → `current_board`)" in messages[16]
    assert "`audit` reads ContextVar `board_id` (via `audit` → `current_board`)" in messages[17]
    # a Flask-SocketIO event runs in the request context of the client's connection
    assert "`work` reads flask-babel's locale (the request context)" in messages[27]
    # `self.store.add_card(...)` on a store of unknown type: `add_card` is one class's and
    # its subclass's; `save`, `put_nowait` and a name of two unrelated classes are not followed
    assert "`add_all` reads ContextVar `board_id` (via `add_all` → `BoardStore.add_card` → `current_board`)" in messages[26]
    # a mixin's `dispatch` (re-exported by `from .patch import *`) runs for the requests
    # of the viewset mixing it in, and its `self.do` is the subclass's
    assert "and the hop runs for a request (reached from `InterceptMixin.dispatch`, run for the requests of view `CardViewSet`)" in messages[18]
    # a worker that pushes an application context of its own reads `current_app` from it
    # (realtime.py:39)
    assert sorted(messages) == [16, 17, 18, 26, 27]
