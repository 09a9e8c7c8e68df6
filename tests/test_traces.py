"""CTX1xx (severed traces) beyond the fixture files: the API tables against the installed
opentelemetry-api, the reported patterns run for real with the SDK, every framework's
service shape, and the rule docs' examples. All through the installed `ctxlint` script.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TESTDATA, run_json

from ctxlint.rules import registry
from ctxlint.semantics import otel

TRACES = TESTDATA / "traces"
SERVICES = TESTDATA / "projects" / "traces_services"


# ---------------------------------------------------------------------- the API tables


def _resolve_api(path: str):
    """The installed object a resolved dotted name (`a.B().c` allowed) refers to."""
    if "()." in path:
        owner, method = path.split("().")
        factory = _resolve_api(owner)
        # a class: its method; a function (`get_global_textmap`): a method of what it returns
        return getattr(factory if inspect.isclass(factory) else factory(), method)
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _parameters(function) -> list[str]:
    names = list(inspect.signature(function).parameters)
    return names[1:] if names[:1] == ["self"] else names


@pytest.mark.parametrize("path", sorted(otel.CONTEXT_DERIVERS))
def test_context_derivers_take_context_where_the_table_says(path):
    keyword, position = otel.CONTEXT_DERIVERS[path]
    assert _parameters(_resolve_api(path)).index(keyword) == position


@pytest.mark.parametrize("path", sorted(otel.EXTRACTORS))
def test_extractors_take_carrier_and_context_where_the_table_says(path):
    carrier, keyword, position = otel.EXTRACTORS[path]
    parameters = _parameters(_resolve_api(path))
    assert parameters[carrier] == "carrier"
    assert parameters.index(keyword) == position


@pytest.mark.parametrize("method", sorted(otel.SPAN_STARTERS))
def test_tracer_methods_take_context_second(method):
    from opentelemetry.trace import Tracer

    keyword, position = otel.SPAN_STARTERS[method]
    parameters = _parameters(getattr(Tracer, method))
    assert parameters.index(keyword) == position
    assert "links" in parameters


def test_every_named_api_exists():
    for path in (*otel.RESULT_ONLY, *otel.INJECTORS, otel.ATTACH, otel.OTEL_CONTEXT, otel.CONTEXTVARS_CONTEXT):
        assert callable(_resolve_api(path)), path


def test_the_runtime_facts_the_rules_rest_on():
    """runtime-semantics.md §B.1-B.2, checked on the installed opentelemetry-api."""
    code = textwrap.dedent(
        """
        from opentelemetry import baggage, context, propagate, trace
        from opentelemetry.context import Context
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        before = context.get_current()
        derived = [
            context.set_value("k", 1),
            baggage.set_baggage("k", "v"),
            baggage.remove_baggage("k"),
            baggage.clear(),
            trace.set_span_in_context(trace.INVALID_SPAN),
        ]
        assert context.get_current() is before          # they only return a Context
        assert all(isinstance(c, Context) for c in derived)
        assert propagate.extract({}) == Context() and not propagate.extract({})
        assert TraceContextTextMapPropagator().extract({}) == Context()
        token = context.attach(context.set_value("k", 1))
        assert propagate.extract({}) == Context()       # ignores the current context
        assert propagate.extract({}, context=context.get_current()) == context.get_current()
        context.detach(token)
        print("ok")
        """
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.stdout.strip() == "ok", completed.stderr


# ---------------------------------------------------------------------- run it for real

RUNNER = textwrap.dedent(
    """
    import importlib.util, json, sys
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)

    spec = importlib.util.spec_from_file_location("fixture", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    results = {}
    for name in sorted(vars(module)):
        if not name.startswith(("reported_", "use_instead_")):
            continue
        if name.endswith("_py311") and sys.version_info < (3, 11):
            continue  # uses an API added in Python 3.11
        exporter.clear()
        # arguments are expressions evaluated in the fixture's namespace
        arguments = [eval(a, vars(module)) for a in json.loads(sys.argv[2]).get(name, [])]
        returned = getattr(module, name)(*arguments)
        spans = {}
        for span in exporter.get_finished_spans():
            spans[span.name] = {
                "trace": format(span.context.trace_id, "032x"),
                "span": format(span.context.span_id, "016x"),
                "parent": format(span.parent.span_id, "016x") if span.parent else None,
                "links": [format(link.context.span_id, "016x") for link in span.links],
            }
        results[name] = {"returned": returned, "spans": spans}
    print(json.dumps(results))
    """
)


def _run_with_sdk(fixture: Path, arguments: dict | None = None) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(fixture), json.dumps(arguments or {})],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def _lint_fixture(fixture: Path, tmp_path: Path) -> list[dict]:
    """Lint one fixture as its own project (its `# ctxlint:` header as config)."""
    from fixtures import header_config

    project = tmp_path / fixture.stem
    project.mkdir()
    (project / "pyproject.toml").write_text(header_config(fixture), encoding="utf-8")
    shutil.copy(fixture, project / fixture.name)
    return run_json(str(project / fixture.name), cwd=project)


def _functions_by_line(fixture: Path) -> dict[int, str]:
    """Line -> the top-level function that contains it."""
    owner, found = None, {}
    for number, line in enumerate(fixture.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"def (\w+)", line)
        if match:
            owner = match.group(1)
        elif line and not line[0].isspace():
            owner = None
        found[number] = owner
    return found


def _reported_functions(fixture: Path, tmp_path: Path, code: str) -> list[str]:
    owners = _functions_by_line(fixture)
    return sorted(owners[item["line"]] for item in _lint_fixture(fixture, tmp_path) if item["code"] == code)


def test_ctx101_reports_exactly_the_spans_that_really_become_roots(tmp_path):
    fixture = TRACES / "ctx101_runtime_root_span.py"
    results = _run_with_sdk(fixture)
    roots = []
    for name, result in results.items():
        spans = result["spans"]
        request, child = spans["request"], spans["child"]
        if child["parent"] is None and child["trace"] != request["trace"] and request["span"] not in child["links"]:
            roots.append(name)
        else:
            # continued, or a new trace linked to the request on purpose
            assert child["parent"] == request["span"] or request["span"] in child["links"], name
    assert sorted(roots) == sorted(n for n in results if n.startswith("reported_"))
    assert len(roots) == (5 if sys.version_info >= (3, 11) else 4)
    reported = _reported_functions(fixture, tmp_path, "CTX101")
    assert [name for name in reported if name in results] == sorted(roots)


def test_ctx102_reports_exactly_the_calls_that_really_do_nothing(tmp_path):
    fixture = TRACES / "ctx102_runtime_noop.py"
    results = _run_with_sdk(fixture)
    remote_trace = "0af7651916cd43dd8448eb211c80319c"
    effect = {
        "set_baggage": lambda value: value == "acme",
        "set_value": lambda value: value == "r-1",
        "set_span_in_context": lambda value: value is True,
        "extract": lambda value: value == remote_trace,
    }
    no_ops = []
    for name, result in results.items():
        what = name.replace("reported_", "").replace("use_instead_", "")
        if not effect[what](result["returned"]):
            no_ops.append(name)
    assert sorted(no_ops) == sorted(n for n in results if n.startswith("reported_"))
    assert len(no_ops) == 4
    assert _reported_functions(fixture, tmp_path, "CTX102") == sorted(no_ops)


def test_ctx103_the_ignored_parameter_really_loses_the_parent(tmp_path):
    fixture = TRACES / "ctx103_runtime_parameter.py"
    arguments = {name: ["'message'", "REMOTE_PARENT"] for name in ("reported_process", "use_instead_process")}
    results = _run_with_sdk(fixture, arguments)
    remote_trace = "0af7651916cd43dd8448eb211c80319c"
    assert results["use_instead_process"]["returned"] == remote_trace
    assert results["reported_process"]["returned"] != remote_trace
    assert _reported_functions(fixture, tmp_path, "CTX103") == ["reported_process"]


def test_ctx104_reports_exactly_the_carriers_that_really_lose_the_remote_trace(tmp_path):
    fixture = TRACES / "ctx104_runtime_carriers.py"
    results = _run_with_sdk(fixture)
    remote_trace = "0af7651916cd43dd8448eb211c80319c"
    lost = sorted(name for name, result in results.items() if result["returned"] != remote_trace)
    assert lost == sorted(name for name in results if name.startswith("reported_"))
    assert len(lost) == 5
    assert _reported_functions(fixture, tmp_path, "CTX104") == lost


def test_ctx105_an_argument_only_tracer_really_starts_new_traces(tmp_path):
    results = _run_with_sdk(TRACES / "ctx105_runtime_tracer.py")
    reported = results["reported_argument_only"]["spans"]
    fixed = results["use_instead_fallback"]["spans"]
    assert reported["child"]["parent"] is None and reported["child"]["trace"] != reported["request"]["trace"]
    assert fixed["child"]["parent"] == fixed["request"]["span"]


def test_the_carrier_facts_ctx104_and_ctx306_rest_on():
    """runtime-semantics.md §B.2, on the installed opentelemetry-api and SDK: the default
    getter reads a lower-case key of a mapping; `inject` writes into its first argument."""
    code = textwrap.dedent(
        """
        from opentelemetry import propagate, trace
        from opentelemetry.context import Context
        from opentelemetry.sdk.trace import TracerProvider

        remote = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        assert propagate.extract({"HTTP_TRACEPARENT": remote}) == Context()   # a WSGI environ
        assert propagate.extract({"Traceparent": remote}) == Context()        # client casing
        assert propagate.extract({"traceparent": remote}) != Context()
        try:
            propagate.extract([(b"traceparent", remote.encode())])          # ASGI raw headers
            raise SystemExit("an ASGI header list was read")
        except AttributeError:
            pass
        trace.set_tracer_provider(TracerProvider())
        with trace.get_tracer("t").start_as_current_span("client"):
            metadata = {}
            propagate.inject(lambda carrier, key, value: None, metadata)     # the pre-1.0 order
            assert metadata == {}
            try:
                propagate.inject(None)                                        # None headers
                raise SystemExit("inject(None) wrote somewhere")
            except TypeError:
                pass
        print("ok")
        """
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.stdout.strip() == "ok", completed.stderr


# ---------------------------------------------------------------------- services

SERVICE_FILES = sorted(p.relative_to(SERVICES).as_posix() for p in SERVICES.rglob("*.py"))
MUTATIONS = {
    "empty Context()": ('context=Context()', "from opentelemetry.context import Context"),
    "extract({})": ("context=extract({})", "from opentelemetry.propagate import extract"),
}


def _marked_line(source: str, marker: str) -> int:
    lines = [n for n, line in enumerate(source.splitlines(), start=1) if line.endswith(f"# mutate: {marker}")]
    assert len(lines) == 1, f"exactly one `# mutate: {marker}` line expected"
    return lines[0]


def _mutate(source: str, line: int, argument: str, import_line: str) -> str:
    lines = source.splitlines()
    original = lines[line - 1]
    lines[line - 1] = re.sub(r'start_as_current_span\(("[^"]+")\)', rf"start_as_current_span(\1, {argument})", original)
    assert lines[line - 1] != original
    lines.append(import_line)  # at the end: line numbers above stay put
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """Every service as is, and each mutation of each, linted in one run of the script."""
    root = tmp_path_factory.mktemp("services")
    variants = {}
    for label, (argument, import_line) in [("as is", (None, None)), *MUTATIONS.items()]:
        for marker in ("handler", "helper") if argument else (None,):
            key = f"{label} in {marker}" if marker else label
            folder = root / re.sub(r"\W+", "_", key)
            shutil.copytree(SERVICES, folder)
            for name in SERVICE_FILES:
                path = folder / name
                if argument:
                    source = path.read_text(encoding="utf-8")
                    mutated = _mutate(source, _marked_line(source, marker), argument, import_line)
                    path.write_text(mutated, encoding="utf-8")
            variants[key] = folder
    findings: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for item in run_json(str(root), cwd=root):
        folder, _, name = item["filename"].partition("/")
        findings.setdefault((folder, name), []).append((item["line"], item["code"]))
    return {
        (key, name): sorted(f for f in findings.get((folder.name, name), []) if f[1].startswith("CTX1"))
        for key, folder in variants.items()
        for name in SERVICE_FILES
    }


def test_every_framework_has_a_service():
    stems = {Path(name).stem for name in SERVICE_FILES}
    expected = {
        "flask_app", "quart_app", "fastapi_app", "starlette_app", "sanic_app", "aiohttp_app",
        "litestar_app", "pyramid_app", "drf_api", "views", "tornado_app", "falcon_app",
        "grpc_server", "celery_tasks", "dramatiq_actors", "lambda_function", "pika_consumer",
        "aio_pika_consumer", "eventbus_handlers", "batch_job",
    }
    assert expected <= stems


@pytest.mark.parametrize("name", SERVICE_FILES)
def test_correct_service_has_no_ctx1_finding(services, name):
    assert services[("as is", name)] == []


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("name", SERVICE_FILES)
def test_empty_context_in_a_handler_is_reported_once_at_that_line(services, name, mutation):
    line = _marked_line((SERVICES / name).read_text(encoding="utf-8"), "handler")
    assert services[(f"{mutation} in handler", name)] == [(line, "CTX101")]


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("name", SERVICE_FILES)
def test_empty_context_in_a_helper_is_not_reported(services, name, mutation):
    assert services[(f"{mutation} in helper", name)] == []


# ---------------------------------------------------------------------- docs


@pytest.mark.parametrize("code", ["CTX101", "CTX102", "CTX103"])
def test_rule_docs_examples(tmp_path, code):
    rule = registry()[code]
    for section in ("What it does", "Why is this bad"):
        assert rule.section(section), section
    (tmp_path / "pyproject.toml").write_text("[tool.ctxlint]\n", encoding="utf-8")
    (tmp_path / "example.py").write_text(textwrap.dedent(rule.example), encoding="utf-8")
    (tmp_path / "use_instead.py").write_text(textwrap.dedent(rule.use_instead), encoding="utf-8")
    found = [(item["filename"], item["code"]) for item in run_json("--select", code, str(tmp_path), cwd=tmp_path)]
    assert found == [("example.py", code)]


def test_rule_doc_command_prints_every_section():
    from conftest import run_ctxlint

    for code in ("CTX101", "CTX102", "CTX103"):
        completed = run_ctxlint("rule", code)
        text = completed.stdout.decode()
        assert completed.returncode == 0
        for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix", "Known limits"):
            assert f"## {heading}" in text, (code, heading)
