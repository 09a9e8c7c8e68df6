"""The project pass (SPEC §5): facts about the whole repository, computed once, cached on
disk, and shared by whole-project runs, single-file runs and the flake8 plugin.

Every case is a small project written to a temporary directory and linted with the
installed console script; `--verbose` shows the facts, CTX301 on a `requests.get` shows
the verdict they lead to.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import TESTDATA, run_ctxlint, script

CLIENT = """\
import requests
from opentelemetry import trace

tracer = trace.get_tracer(__name__)

@tracer.start_as_current_span("profile")  # traced work: CTX301 reports only requests a trace reaches
def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", timeout=5)
"""


# The service sets up tracing for its process (a module-level `set_tracer_provider`):
# only then is a library missing from the inventory really uninstrumented.
SETUP = {
    "app/tracing.py": """\
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider

        trace.set_tracer_provider(TracerProvider())
    """,
}


def make_project(root: Path, files: dict[str, str], config: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    # CTX301 (the probe of these tests) is a preview rule
    files = {"pyproject.toml": f"[tool.ctxlint]\npreview = true\n{config}", **files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def lint(root: Path, *args: str) -> tuple[dict[str, str], list[dict]]:
    """One run of the console script: the `--verbose` facts by key, and the JSON findings."""
    completed = run_ctxlint("check", "--verbose", "--output-format", "json", *args, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    found = {}
    for line in completed.stderr.decode().splitlines():
        if line.startswith("ctxlint:   "):
            key, _, value = line[len("ctxlint:   "):].partition(": ")
            found[key] = value
    return found, json.loads(completed.stdout)


def facts(root: Path, *args: str) -> dict[str, str]:
    return lint(root, *args)[0]


def codes(root: Path, *args: str) -> list[tuple[str, int, str]]:
    return sorted((i["filename"], i["line"], i["code"]) for i in lint(root, *args)[1])


def ctx301_messages(findings: list[dict]) -> list[str]:
    return [item["message"] for item in findings if item["code"] == "CTX301"]


def ctx301(root: Path, *args: str) -> bool:
    """Whether the `requests.get` in app/client.py is reported."""
    return bool(ctx301_messages(lint(root, *(args or ("app/client.py",)))[1]))


# ---------------------------------------------------------------------------- --verbose


def test_verbose_lists_the_facts_and_their_sources():
    root = TESTDATA / "projects" / "boundaries_global_instrumentors"
    found = facts(root, "--no-cache", ".")
    assert found["opentelemetry"] == "yes (app/telemetry.py)"
    assert found["instrumented"] == (
        "flask (app/telemetry.py:13), httpx (app/telemetry.py:12), kafka (app/telemetry.py:13), "
        "requests (app/telemetry.py:11)"
    )
    assert found["not instrumented"] == "fastapi, pika, urllib3"


def test_verbose_under_auto_instrumentation_with_a_disabled_library():
    root = TESTDATA / "projects" / "boundaries_auto_dockerfile"
    found = facts(root, "--no-cache", ".")
    assert found["opentelemetry"] == "yes (auto-instrumentation, Dockerfile:9)"
    assert found["instrumented"] == (
        "flask (auto-instrumentation, Dockerfile:9), requests (auto-instrumentation, Dockerfile:9)"
    )
    assert found["not instrumented"] == "http.client (no instrumentation exists), httpx (disabled in Dockerfile:7)"


def test_verbose_single_file_run_prints_the_same_facts():
    root = TESTDATA / "projects" / "boundaries_per_object"
    assert facts(root, "--no-cache", "app/main.py") == facts(root, "--no-cache", ".")


# ---------------------------------------------------------------------------- cache


def test_facts_are_cached_and_invalidated_when_a_contributing_file_changes(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(TESTDATA / "projects" / "boundaries_global_instrumentors", root)
    assert codes(root, "app/clients.py") == [("app/clients.py", 16, "CTX301")]
    cache = list((root / ".ctxlint_cache").glob("facts-*.json"))
    assert len(cache) == 1
    assert (root / ".ctxlint_cache" / ".gitignore").is_file()
    telemetry = root / "app" / "telemetry.py"
    original = telemetry.read_text(encoding="utf-8")
    # a same-size edit right after the previous run: the stat signature alone would miss it
    edited = original.replace("    RequestsInstrumentor().instrument()", "#   RequestsInstrumentor().instrument()")
    assert len(edited) == len(original)
    telemetry.write_text(edited, encoding="utf-8")
    assert ("app/clients.py", 7, "CTX301") in codes(root, "app/clients.py")
    telemetry.write_text(original, encoding="utf-8")
    assert ("app/clients.py", 7, "CTX301") not in codes(root, "app/clients.py")


def test_flake8_single_file_run_reuses_and_refreshes_the_facts(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(TESTDATA / "projects" / "boundaries_global_instrumentors", root)

    def flake8() -> set[str]:
        completed = subprocess.run(
            [script("flake8"), "--select=CTX3", "--format=%(row)d:%(code)s", "app/clients.py"],
            cwd=root, capture_output=True, text=True, timeout=300,
        )
        assert completed.returncode in (0, 1), completed.stderr
        return set(completed.stdout.split())

    assert flake8() == {"16:CTX301"}
    assert list((root / ".ctxlint_cache").glob("facts-*.json"))
    telemetry = root / "app" / "telemetry.py"
    telemetry.write_text(
        telemetry.read_text(encoding="utf-8").replace("RequestsInstrumentor().instrument()", "pass"),
        encoding="utf-8",
    )
    assert flake8() == {"7:CTX301", "16:CTX301"}


def test_no_cache_writes_nothing_and_a_shared_cache_dir_keeps_projects_apart(tmp_path):
    plain = make_project(tmp_path / "plain", {**SETUP, "app/client.py": CLIENT})
    instrumented = make_project(
        tmp_path / "instrumented",
        {
            "app/client.py": CLIENT,
            "app/telemetry.py": """\
                from opentelemetry.instrumentation.requests import RequestsInstrumentor
                RequestsInstrumentor().instrument()
            """,
        },
    )
    assert ctx301(plain, "--no-cache", "app/client.py")
    assert not (plain / ".ctxlint_cache").exists()
    shared = tmp_path / "shared-cache"
    for _ in range(2):  # cold, then warm
        assert ctx301(plain, "--cache-dir", str(shared), "app/client.py")
        assert not ctx301(instrumented, "--cache-dir", str(shared), "app/client.py")
    assert len(list(shared.glob("facts-*.json"))) == 2


# ---------------------------------------------------------------------------- launch files


LAUNCHERS = {
    "Procfile": "web: opentelemetry-instrument gunicorn app.main:app\n",
    "scripts/start.sh": "#!/bin/sh\nexec opentelemetry-instrument uvicorn app.main:app\n",
    "bin/entrypoint": "#!/usr/bin/env bash\nopentelemetry-instrument python -m app\n",
    "docker-compose.yml": "services:\n  web:\n    command: opentelemetry-instrument python -m app\n",
    "deploy/service.yaml": 'containers:\n  - command: ["opentelemetry-instrument", "python", "-m", "app"]\n',
    "Makefile": "run:\n\topentelemetry-instrument python -m app\n",
    "pyproject.toml": '[tool.ctxlint]\npreview = true\n\n[tool.poe.tasks]\nserve = "opentelemetry-instrument uvicorn app.main:app"\n',
    "supervisord.conf": "[program:web]\ncommand=opentelemetry-instrument gunicorn app.main:app\n",
}


@pytest.mark.parametrize("name", sorted(LAUNCHERS))
def test_auto_instrumentation_is_found_in_launch_files(tmp_path, name):
    root = make_project(tmp_path / "p", {"app/client.py": CLIENT, name: LAUNCHERS[name]})
    found, findings = lint(root, "app/client.py")
    assert found["instrumented"].startswith("requests (auto-instrumentation, " + name + ":")
    assert not ctx301_messages(findings)


@pytest.mark.parametrize(
    "files",
    [
        {"pyproject.toml": '[tool.ctxlint]\npreview = true\n[project]\ndependencies = ["opentelemetry-instrumentation-requests"]\n'},
        {"Dockerfile": "FROM python\n# CMD opentelemetry-instrument python app.py\nRUN pip install opentelemetry-instrumentation\n"},
        {"README.md": "Run with `opentelemetry-instrument python -m app`.\n"},
        {"bin/notes": "opentelemetry-instrument is not used here (no shebang: not a script)\n"},
        {"app/tasks.py": "from invoke import task\n\ndef initialize():\n    pass\n\ninitialize()\n"},
        {"app/names.py": 'ENTRY_POINT_GROUP = "opentelemetry_instrumentor"\n'},
    ],
    ids=["dependency", "comment", "readme", "no-shebang", "unrelated-initialize", "group-name-constant"],
)
def test_mentions_that_are_not_launchers_do_not_count(tmp_path, files):
    root = make_project(tmp_path / "p", {**SETUP, "app/client.py": CLIENT, **files})
    found, findings = lint(root, "app/client.py")
    assert found["instrumented"] == "nothing"
    assert ctx301_messages(findings)


@pytest.mark.parametrize(
    "files",
    [
        {"Dockerfile": 'ENV OTEL_PYTHON_DISABLED_INSTRUMENTATIONS="flask, requests"\nCMD ["opentelemetry-instrument", "python", "-m", "app"]\n'},
        {"Dockerfile": "ENV OTEL_PYTHON_DISABLED_INSTRUMENTATIONS requests\nCMD opentelemetry-instrument python -m app\n"},
        {
            "docker-compose.yml": (
                "services:\n  web:\n    command: opentelemetry-instrument python -m app\n"
                "    environment:\n      - OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=requests\n"
            )
        },
        {
            "k8s/deployment.yaml": (
                "containers:\n  - command: [opentelemetry-instrument, python, -m, app]\n    env:\n"
                "      - name: OTEL_PYTHON_DISABLED_INSTRUMENTATIONS\n        value: \"requests,urllib3\"\n"
            )
        },
        {"Makefile": "run:\n\topentelemetry-instrument --disabled_instrumentations=requests python -m app\n"},
        {"Procfile": "web: opentelemetry-instrument python -m app\n", "prod.env": "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=requests\n"},
        {"Procfile": "web: opentelemetry-instrument python -m app\n", "Dockerfile": "ENV OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=*\n"},
        {
            "app/boot.py": """\
                import os
                os.environ["OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"] = "requests"
                from opentelemetry.instrumentation.auto_instrumentation import initialize
                initialize()
            """
        },
    ],
    ids=["dockerfile-quoted", "dockerfile-legacy-env", "compose", "kubernetes", "makefile-flag", "dotenv", "star", "python"],
)
def test_disabled_instrumentations_are_reported_again(tmp_path, files):
    root = make_project(tmp_path / "p", {"app/client.py": CLIENT, **files})
    found, findings = lint(root, "app/client.py")
    assert "requests (disabled in " in found["not instrumented"]
    [message] = ctx301_messages(findings)
    assert "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS" in message


@pytest.mark.parametrize(
    "boot",
    [
        "from opentelemetry.instrumentation.auto_instrumentation import initialize\ninitialize()\n",
        "from opentelemetry.instrumentation import auto_instrumentation\nauto_instrumentation.initialize()\n",
        "import opentelemetry.instrumentation.auto_instrumentation.sitecustomize  # noqa: F401\n",
        "from importlib.metadata import entry_points\n\nfor ep in entry_points(group='opentelemetry_instrumentor'):\n    ep.load()().instrument()\n",
    ],
    ids=["initialize", "module-initialize", "sitecustomize", "entry-points"],
)
def test_programmatic_auto_instrumentation(tmp_path, boot):
    root = make_project(tmp_path / "p", {"app/client.py": CLIENT, "app/boot.py": boot})
    found, findings = lint(root, "app/client.py")
    assert found["instrumented"].startswith("requests (auto-instrumentation, app/boot.py:")
    assert not ctx301_messages(findings)


# ---------------------------------------------------------------------------- instrumentor forms


@pytest.mark.parametrize(
    "telemetry",
    [
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\nRequestsInstrumentor().instrument()\n",
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor as RI\n\ndef setup():\n    RI().instrument(excluded_urls='health')\n",
        "from opentelemetry.instrumentation import requests as otel_requests\notel_requests.RequestsInstrumentor().instrument()\n",
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\ninstrumentor = RequestsInstrumentor()\ninstrumentor.instrument()\n",
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\n\nclass Telemetry:\n    def __init__(self):\n        self._requests = RequestsInstrumentor()\n\n    def start(self):\n        self._requests.instrument()\n",
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\nfrom opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor\n\nfor instrumentor in [RequestsInstrumentor(), HTTPXClientInstrumentor()]:\n    instrumentor.instrument()\n",
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\nfrom app.setup import enable\n\nenable(RequestsInstrumentor())\n",
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\nfrom opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor\n\nfor cls in (RequestsInstrumentor, URLLib3Instrumentor):\n    cls().instrument()\n",
        "import logfire\nimport opentelemetry\n\nlogfire.configure()\nlogfire.instrument_requests()\n",
        "from azure.monitor.opentelemetry import configure_azure_monitor\n\nconfigure_azure_monitor()\n",
    ],
    ids=["call", "alias", "module-alias", "variable", "attribute", "list", "helper", "classes", "logfire", "azure-distro"],
)
def test_instrumentor_forms(tmp_path, telemetry):
    root = make_project(tmp_path / "p", {"app/client.py": CLIENT, "app/telemetry.py": telemetry})
    found, findings = lint(root, "app/client.py")
    instrumented = found["instrumented"].split(", ")
    assert any(entry.startswith("requests (app/telemetry.py:") for entry in instrumented), instrumented
    assert not ctx301_messages(findings)


@pytest.mark.parametrize(
    "telemetry",
    [
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\nRequestsInstrumentor().uninstrument()\n",
        "from opentelemetry.instrumentation.requests import RequestsInstrumentor\nRequestsInstrumentor.uninstrument_session(session)\n",
        "from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor\nHTTPXClientInstrumentor().instrument()\n",
        "from myapp.instrumentation import RequestsTracer\nRequestsTracer().instrument()\n",
    ],
    ids=["uninstrument", "uninstrument-session", "other-library", "not-an-instrumentor"],
)
def test_forms_that_do_not_instrument_requests(tmp_path, telemetry):
    root = make_project(tmp_path / "p", {**SETUP, "app/client.py": CLIENT, "app/telemetry.py": telemetry})
    found, findings = lint(root, "app/client.py")
    assert "requests (" not in found["instrumented"]
    assert ctx301_messages(findings)


# ---------------------------------------------------------------------------- configuration


def test_config_overrides(tmp_path):
    client_only = {"app/client.py": CLIENT}
    service = {**SETUP, **client_only}
    assert ctx301(make_project(tmp_path / "default", service))
    # OpenTelemetry imported, tracing set up nowhere in the project: a library (its host
    # application instruments it) or a service set up where it is deployed
    library = make_project(tmp_path / "library", client_only)
    assert facts(library, "app/client.py")["tracing set up"].startswith("not in this project")
    assert not ctx301(library)
    assert ctx301(make_project(tmp_path / "declared", client_only, "opentelemetry = true\n"))
    off = make_project(tmp_path / "off", service, "opentelemetry = false\n")
    assert facts(off, "app/client.py")["opentelemetry"].startswith("no")
    assert not ctx301(off)
    no_import = {"app/client.py": CLIENT.replace("from opentelemetry import trace\n", "").replace("tracer = trace.get_tracer(__name__)\n", "")}
    assert not ctx301(make_project(tmp_path / "auto", no_import))
    assert ctx301(make_project(tmp_path / "on", no_import, "opentelemetry = true\n"))
    assert not ctx301(make_project(tmp_path / "auto-instr", service, "auto-instrumentation = true\n"))
    configured = make_project(tmp_path / "instrumented", service, 'instrumented = ["requests"]\n')
    assert facts(configured, "app/client.py")["instrumented"] == "requests (config)"
    assert not ctx301(configured)


@pytest.mark.parametrize(
    "setup",
    [
        "from opentelemetry import trace\nfrom opentelemetry.sdk.trace import TracerProvider\n\ntrace.set_tracer_provider(TracerProvider())\n",
        "import os\nfrom opentelemetry.trace import set_tracer_provider\nfrom opentelemetry.sdk.trace import TracerProvider\n\nif os.environ.get('OTEL'):\n    set_tracer_provider(TracerProvider())\n",
        "from opentelemetry.instrumentation.logging import LoggingInstrumentor\n\ndef init():\n    LoggingInstrumentor().instrument()\n",
        "from fastapi import FastAPI\nfrom opentelemetry.instrumentation.fastapi import FastAPIInstrumentor\n\napp = FastAPI()\nFastAPIInstrumentor.instrument_app(app)\n",
    ],
    ids=["module-provider", "guarded-provider", "other-instrumentor", "per-object"],
)
def test_a_service_that_sets_up_tracing_is_checked(tmp_path, setup):
    root = make_project(tmp_path / "p", {"app/client.py": CLIENT, "app/tracing.py": setup})
    found, findings = lint(root, "app/client.py")
    assert "tracing set up" not in found
    assert ctx301_messages(findings)


@pytest.mark.parametrize(
    "setup",
    [
        # libraries set the provider in a function their users call (langfuse, sentry-sdk)
        "from opentelemetry import trace\nfrom opentelemetry.sdk.trace import TracerProvider\n\ndef setup(exporter):\n    provider = TracerProvider()\n    trace.set_tracer_provider(provider)\n    return provider\n",
        # sentry-sdk's own `create_trace_config()` for aiohttp is not OpenTelemetry's
        "import aiohttp\nfrom opentelemetry import trace\n\ndef create_trace_config():\n    return aiohttp.TraceConfig()\n\ndef session():\n    return aiohttp.ClientSession(trace_configs=[create_trace_config()])\n",
        # an object handed to a tracing-named helper is matched by name only
        "from opentelemetry import trace\nfrom app.hooks import setup_tracing\n\nsetup_tracing(trace.get_tracer_provider())\n",
    ],
    ids=["provider-in-function", "own-create-trace-config", "tracing-named-helper"],
)
def test_a_library_that_sets_up_nothing_is_not_checked(tmp_path, setup):
    root = make_project(tmp_path / "p", {"app/client.py": CLIENT, "app/tracing.py": setup})
    found, findings = lint(root, ".")
    assert found["instrumented"] == "nothing"
    assert found["tracing set up"].startswith("not in this project")
    assert not [item for item in findings if item["code"].startswith("CTX3")]


def test_nested_projects_have_their_own_facts(tmp_path):
    root = make_project(
        tmp_path / "repo",
        {
            **SETUP,
            "app/client.py": CLIENT,
            "tools/pyproject.toml": "[tool.ctxlint]\n",
            "tools/telemetry.py": "from opentelemetry.instrumentation.requests import RequestsInstrumentor\nRequestsInstrumentor().instrument()\n",
            "tools/fetch.py": CLIENT,
        },
    )
    found = codes(root, ".")
    assert ("app/client.py", 8, "CTX301") in found
    assert ("tools/fetch.py", 8, "CTX301") not in found


def test_context_facts_used_by_other_rule_families(tmp_path):
    root = make_project(
        tmp_path / "p",
        {
            "app/context.py": """\
                import contextvars

                from opentelemetry import trace

                request_id = contextvars.ContextVar("request_id", default=None)
                tracer = trace.get_tracer(__name__)


                def in_context(function):
                    ctx = contextvars.copy_context()
                    return lambda *args: ctx.run(function, *args)


                def child_span(name):
                    return tracer.start_span(name)


                def labelled_span(name, label):
                    span = tracer.start_span(name)
                    span.set_attribute("label", label)
                    return span


                def finished(name):
                    span = tracer.start_span(name)
                    span.end()
                    return name
            """,
        },
    )
    found = facts(root, ".")
    assert found["context variables"] == "request_id (app/context.py:5)"
    assert found["context wrappers"] == "in_context"
    assert found["span factories"] == "child_span, labelled_span"


def test_unreadable_and_odd_files_do_not_break_the_pass(tmp_path):
    root = make_project(
        tmp_path / "p",
        {
            **SETUP,
            "app/client.py": CLIENT,
            "app/broken.py": "def broken(:\n",
            "app/latin1.py": "",
            "data/huge.yaml": "x: 1\n" * 300_000,
        },
    )
    (root / "app" / "latin1.py").write_bytes(b"# \xe9\nimport requests\n")
    os.symlink(root / "missing.sh", root / "dangling.sh")
    assert ctx301(root)
