"""CTX3xx: uninstrumented boundaries.

The runtime test is the ground truth: a small service is linted with the real console
script and then *run* with the real OpenTelemetry SDK and instrumentation packages
against a local HTTP server (a service of its own, on `localhost`, called from traced
work). Every outbound call site either carries a `traceparent` header to the server or is
reported by CTX301, never both and never neither.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import TESTDATA, run_ctxlint, run_json, script
from fixtures import expected_findings

BOUNDARY_CODES = ("CTX301", "CTX302", "CTX303", "CTX304", "CTX305")
MARKER = re.compile(r"#\s*call:\s*(?P<name>\w+)")

TELEMETRY = """\
from opentelemetry import trace
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
RequestsInstrumentor().instrument()
tracer = trace.get_tracer("runtime-test")
"""

CLIENT = """\
import asyncio
import http.client
import urllib.request

import aiohttp
import httpx
import requests
from opentelemetry import propagate
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor, SyncOpenTelemetryTransport

from app.telemetry import tracer


@tracer.start_as_current_span("requests_shortcut")
def requests_shortcut(port):
    return requests.get(f"http://localhost:{port}/requests_shortcut", timeout=5)  # call: requests_shortcut


@tracer.start_as_current_span("requests_session")
def requests_session(port):
    with requests.Session() as session:  # call: requests_session
        return session.get(f"http://localhost:{port}/requests_session", timeout=5)


@tracer.start_as_current_span("httpx_instrumented_client")
def httpx_instrumented_client(port):
    with httpx.Client() as client:  # call: httpx_instrumented_client
        HTTPXClientInstrumentor.instrument_client(client)
        return client.get(f"http://localhost:{port}/httpx_instrumented_client")


@tracer.start_as_current_span("httpx_transport")
def httpx_transport(port):
    transport = SyncOpenTelemetryTransport(httpx.HTTPTransport())
    with httpx.Client(transport=transport) as traced:  # call: httpx_transport
        return traced.get(f"http://localhost:{port}/httpx_transport")


@tracer.start_as_current_span("httpx_plain_client")
def httpx_plain_client(port):
    with httpx.Client() as plain:  # call: httpx_plain_client
        return plain.get(f"http://localhost:{port}/httpx_plain_client")


@tracer.start_as_current_span("httpx_shortcut")
def httpx_shortcut(port):
    return httpx.post(f"http://localhost:{port}/httpx_shortcut", content=b"{}")  # call: httpx_shortcut


@tracer.start_as_current_span("urllib_plain")
def urllib_plain(port):
    return urllib.request.urlopen(f"http://localhost:{port}/urllib_plain", timeout=5).read()  # call: urllib_plain


@tracer.start_as_current_span("urllib_injected")
def urllib_injected(port):
    headers = {}
    propagate.inject(headers)
    request = urllib.request.Request(f"http://localhost:{port}/urllib_injected", headers=headers)
    return urllib.request.urlopen(request, timeout=5).read()  # call: urllib_injected


@tracer.start_as_current_span("raw_connection")
def raw_connection(port):
    connection = http.client.HTTPConnection("localhost", int(port), timeout=5)  # call: raw_connection
    connection.request("GET", "/raw_connection")
    return connection.getresponse().read()


@tracer.start_as_current_span("aiohttp_sessions")
def aiohttp_sessions(port):
    async def run():
        async with aiohttp.ClientSession(trace_configs=[create_trace_config()]) as traced:  # call: aiohttp_traced
            await (await traced.get(f"http://localhost:{port}/aiohttp_traced")).read()
        async with aiohttp.ClientSession() as plain:  # call: aiohttp_plain
            await (await plain.get(f"http://localhost:{port}/aiohttp_plain")).read()

    asyncio.run(run())


CALLS = [
    requests_shortcut, requests_session, httpx_instrumented_client, httpx_transport,
    httpx_plain_client, httpx_shortcut, urllib_plain, urllib_injected, raw_connection,
    aiohttp_sessions,
]
"""

RUNNER = """\
import sys

from app.telemetry import tracer
from app.client import CALLS

with tracer.start_as_current_span("incoming-request"):
    for call in CALLS:
        call(sys.argv[1].rsplit(":", 1)[1])  # the port: the services are on localhost
"""


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: dict[str, object] = {}

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        self.seen[self.path.lstrip("/")] = self.headers.get("traceparent")
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def server():
    _Recorder.seen = {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.seen
    httpd.shutdown()
    httpd.server_close()


def _service(tmp_path: Path) -> Path:
    root = tmp_path / "service"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.ctxlint]\npreview = true\n", encoding="utf-8")
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "telemetry.py").write_text(TELEMETRY, encoding="utf-8")
    (root / "app" / "client.py").write_text(CLIENT, encoding="utf-8")
    (root / "run.py").write_text(RUNNER, encoding="utf-8")
    return root


def _markers(path: Path) -> dict[str, int]:
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            found[match.group("name")] = number
    return found


def _ctx301_lines(root: Path) -> set[int]:
    completed = run_ctxlint("check", "--output-format", "json", "app/client.py", cwd=root)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    return {item["line"] for item in json.loads(completed.stdout) if item["code"] == "CTX301"}


def _traceparents(root: Path, base: str, seen: dict) -> dict[str, bool]:
    seen.clear()
    completed = subprocess.run(
        [sys.executable, "run.py", base], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    return {path: value is not None for path, value in seen.items()}


def test_traceparent_is_sent_exactly_where_ctx301_is_silent(tmp_path, server):
    base, seen = server
    root = _service(tmp_path)
    markers = _markers(root / "app" / "client.py")
    reported = _ctx301_lines(root)
    sent = _traceparents(root, base, seen)
    assert set(sent) == set(markers), "every call site must reach the server"
    verdicts = {name: (sent[name], markers[name] in reported) for name in markers}
    assert all(carried != flagged for carried, flagged in verdicts.values()), verdicts
    # both outcomes occur, so the test can fail either way
    assert {carried for carried, _ in verdicts.values()} == {True, False}

    # Remove the instrumentor: the next (cached) run reports the requests calls, and at
    # run time they no longer carry a traceparent.
    telemetry = root / "app" / "telemetry.py"
    telemetry.write_text(TELEMETRY.replace("RequestsInstrumentor().instrument()\n", ""), encoding="utf-8")
    reported_after = _ctx301_lines(root)
    sent_after = _traceparents(root, base, seen)
    for name in ("requests_shortcut", "requests_session"):
        assert sent[name] and not sent_after[name]
        assert markers[name] not in reported and markers[name] in reported_after
    assert all(sent_after[name] != (markers[name] in reported_after) for name in markers)


# ---------------------------------------------------------------------------- hand-written propagation


def _run_fixture(name: str) -> dict:
    from test_traces import _run_with_sdk

    return _run_with_sdk(TESTDATA / "boundaries" / name)


def test_ctx306_reports_exactly_the_calls_whose_headers_lose_the_traceparent():
    results = _run_fixture("ctx306_runtime_headers_sent.py")
    lost = sorted(name for name, result in results.items() if "traceparent" not in result["returned"])
    assert lost == sorted(name for name in results if name.startswith("reported_"))
    assert len(lost) == 3
    # the fixture harness checks that CTX306 reports exactly the marked lines of those functions


def test_ctx307_an_inject_before_the_client_span_names_the_outer_span():
    results = _run_fixture("ctx307_runtime_parent.py")
    before = results["reported_inject_before_client_span"]["returned"]
    inside = results["use_instead_inject_inside_client_span"]["returned"]
    assert before["sent_parent"] == before["outer"] != before["client"]
    assert inside["sent_parent"] == inside["client"]


# ---------------------------------------------------------------------------- entry points


def _boundary_projects() -> list[Path]:
    return sorted(p for p in (TESTDATA / "projects").glob("boundaries_*") if p.is_dir())


def _expected_by_file(project: Path) -> set[tuple[str, int, str]]:
    expected = set()
    for path in project.rglob("*.py"):
        for line, code in expected_findings(path):
            if code in BOUNDARY_CODES:
                expected.add((path.relative_to(project).as_posix(), line, code))
    return expected


@pytest.mark.parametrize("project", _boundary_projects(), ids=lambda p: p.name)
def test_flake8_plugin_agrees_with_the_fixture_markers(tmp_path, project):
    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    files = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*.py"))
    completed = subprocess.run(
        [script("flake8"), "--select=CTX", "--format=%(path)s|%(row)d|%(code)s", *files],
        cwd=copy, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode in (0, 1), completed.stderr
    found = set()
    for line in completed.stdout.splitlines():
        path, row, code = line.split("|")
        if code in BOUNDARY_CODES:
            found.add((path.removeprefix("./"), int(row), code))
    assert found == _expected_by_file(copy)


@pytest.mark.parametrize("project", _boundary_projects(), ids=lambda p: p.name)
def test_single_file_runs_give_the_whole_project_verdict(tmp_path, project):
    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    whole = {
        (item["filename"], item["line"], item["code"])
        for item in run_json(".", cwd=copy)
        if item["code"] in BOUNDARY_CODES
    }
    assert whole == _expected_by_file(copy)
    for path in sorted(copy.rglob("*.py")):
        relative = path.relative_to(copy).as_posix()
        # with the cache, as pre-commit runs it
        completed = run_ctxlint("check", "--output-format", "json", relative, cwd=copy)
        single = {
            (item["filename"], item["line"], item["code"])
            for item in json.loads(completed.stdout)
            if item["code"] in BOUNDARY_CODES
        }
        assert single == {f for f in whole if f[0] == relative}, relative


def test_gate_is_conservative_for_boundary_fixtures(tmp_path):
    copy = tmp_path / "boundaries"
    shutil.copytree(TESTDATA / "boundaries", copy)
    for path in copy.glob("*.py"):
        folder = copy / path.stem
        folder.mkdir()
        path.rename(folder / path.name)
        (folder / "pyproject.toml").write_text("[tool.ctxlint]\npreview = true\n", encoding="utf-8")
    for project in _boundary_projects():
        shutil.copytree(project, copy / project.name)
    gated = run_json(".", cwd=copy)
    ungated = run_json("--no-gate", ".", cwd=copy)
    assert gated == ungated
    assert {item["code"] for item in gated} >= set(BOUNDARY_CODES)


def test_messages_name_the_instrumentor_and_the_reason(tmp_path):
    copy = tmp_path / "auto"
    shutil.copytree(TESTDATA / "projects" / "boundaries_auto_dockerfile", copy)
    messages = {item["line"]: item["message"] for item in run_json("app/server.py", cwd=copy)}
    disabled = next(message for message in messages.values() if "httpx.Client()" in message)
    assert "disabled by OTEL_PYTHON_DISABLED_INSTRUMENTATIONS in Dockerfile;" in disabled
    assert "`HTTPXClientInstrumentor.instrument_client(client)`" in disabled
    raw = next(message for message in messages.values() if "http.client" in message)
    assert "no OpenTelemetry instrumentation" in raw
    assert "route handler `legacy`" in raw  # why a trace reaches the call


def test_a_library_is_checked_once_it_declares_itself_an_opentelemetry_service(tmp_path):
    """The library fixture is silent because it sets up no tracing, not because its code
    is unrecognised: declared with `opentelemetry = true`, every boundary is reported."""
    copy = tmp_path / "library"
    shutil.copytree(TESTDATA / "projects" / "boundaries_library_without_tracing_setup", copy)
    assert not [item for item in run_json("--preview", ".", cwd=copy) if item["code"] in BOUNDARY_CODES]
    config = copy / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + "opentelemetry = true\n", encoding="utf-8")
    found = sorted(
        (item["filename"], item["line"], item["code"])
        for item in run_json("--preview", ".", cwd=copy)
        if item["code"] in BOUNDARY_CODES
    )
    # CTX301 reports only requests a trace reaches, to a service of the project's own: the
    # clients no traced code uses (`fetch_config`, `api_client`, `traced_session`) and the
    # transport posting to the user's DSN (an address known only at run time) stay silent
    assert found == [
        ("eventsdk/broker.py", 12, "CTX303"),
        ("eventsdk/broker.py", 17, "CTX304"),
        ("eventsdk/health.py", 6, "CTX302"),
    ]
