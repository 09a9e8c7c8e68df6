"""CTX5xx (span and context lifecycle), checked against what the real libraries do.

Each scenario is one small module, `app.py`. The installed `ctxlint` console script must
report exactly its lines marked `# error: CTXnnn`; then a driver imports the module
under the real OpenTelemetry SDK (in-memory exporter, one fresh interpreter per
scenario) and shows that what was reported misbehaves and the "use instead" version
next to it does not.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TESTDATA, run_ctxlint, run_json
from fixtures import expected_findings

# Imported first by every driver: the real SDK, an in-memory exporter, a record of every
# span started, and the "Failed to detach context" errors opentelemetry.context logs.
SDK_SETUP = """
import json
import logging

from opentelemetry import trace
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

EXPORTER = InMemorySpanExporter()
STARTED = []


class RecordStarts(SpanProcessor):
    def on_start(self, span, parent_context=None):
        STARTED.append(span.name)


provider = TracerProvider()
provider.add_span_processor(RecordStarts())
provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
trace.set_tracer_provider(provider)

CONTEXT_ERRORS = []


class Collect(logging.Handler):
    def emit(self, record):
        CONTEXT_ERRORS.append(record.getMessage())


logging.getLogger("opentelemetry.context").addHandler(Collect())
logging.getLogger("opentelemetry.context").propagate = False


def exported():
    return [span.name for span in EXPORTER.get_finished_spans()]
"""


def scenario(tmp_path: Path, app: str, driver: str, *, preview: bool = False) -> dict:
    """Lint `app` (findings must equal its `# error:` marks), then run `driver`; its JSON result."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ctxlint]\nselect = ["CTX5"]\n' + ("preview = true\n" if preview else ""), encoding="utf-8"
    )
    source = tmp_path / "app.py"
    source.write_text(textwrap.dedent(app).lstrip("\n"), encoding="utf-8")
    reported = {(item["line"], item["code"]) for item in run_json("app.py", cwd=tmp_path)}
    assert reported == expected_findings(source)
    (tmp_path / "sdk_setup.py").write_text(SDK_SETUP, encoding="utf-8")
    script = "from sdk_setup import *\nimport app\n" + textwrap.dedent(driver)
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- CTX501

SPANS_APP = """
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def charge_kept(order):
    span = tracer.start_span("charge_kept")  # error: CTX501
    span.set_attribute("order", order)
    return order


def charge_dropped(order):
    tracer.start_span("charge_dropped")  # error: CTX501
    return order


def charge_use_span(order):
    span = tracer.start_span("charge_use_span")  # error: CTX501
    with trace.use_span(span):
        return order


def charge_left_open(order):
    with tracer.start_as_current_span("charge_left_open", end_on_exit=False):  # error: CTX501
        return order


def start_refund_span(order):
    return tracer.start_span("refund")


def refund_dropped(order):
    start_refund_span(order)  # error: CTX501


# --- use instead


def charge(order):
    span = tracer.start_span("charge")
    try:
        span.set_attribute("order", order)
        return order
    finally:
        span.end()


def charge_current(order):
    with trace.use_span(tracer.start_span("charge_current"), end_on_exit=True):
        return order


def charge_later(order):
    with tracer.start_as_current_span("charge_later", end_on_exit=False) as span:
        pass
    span.end()


def refund(order):
    span = start_refund_span(order)
    span.end()


def start_upload_span():
    # A span factory: the caller owns (and ends) what it returns.
    span = tracer.start_span("upload")
    span.set_attribute("kind", "upload")
    return span


class Upload:
    # The span lives as long as the upload and is ended in close().
    def __init__(self):
        self._span = start_upload_span()

    def close(self):
        self._span.end()
"""


def test_unended_span_is_started_but_never_exported(tmp_path: Path) -> None:
    result = scenario(
        tmp_path,
        SPANS_APP,
        """
        for name in ("charge_kept", "charge_dropped", "charge_use_span", "charge_left_open",
                     "refund_dropped", "charge", "charge_current", "charge_later", "refund"):
            getattr(app, name)(42)
        app.Upload().close()
        print(json.dumps({"started": STARTED, "exported": exported()}))
        """,
    )
    leaked = {"charge_kept", "charge_dropped", "charge_use_span", "charge_left_open"}
    assert leaked <= set(result["started"])
    assert result["started"].count("refund") == 2
    assert set(result["exported"]) == {"charge", "charge_current", "charge_later", "refund", "upload"}
    assert result["exported"].count("refund") == 1  # the dropped one never was


# ---------------------------------------------------------------------------- CTX502

TOKENS_APP = """
from opentelemetry import context, propagate, trace


def on_message_dropped(headers):
    context.attach(propagate.extract(headers))  # error: CTX502
    return current_trace_id()


def on_message_kept(headers):
    token = context.attach(propagate.extract(headers))  # error: CTX502
    return current_trace_id(), token is not None


# --- use instead


def on_message(headers):
    token = context.attach(propagate.extract(headers))
    try:
        return current_trace_id()
    finally:
        context.detach(token)


def current_trace_id():
    return format(trace.get_current_span().get_span_context().trace_id, "032x")
"""


def test_undetached_token_leaks_into_the_next_task_on_a_pooled_thread(tmp_path: Path) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    result = scenario(
        tmp_path,
        TOKENS_APP,
        f"""
        from concurrent.futures import ThreadPoolExecutor

        HEADERS = {{"traceparent": "00-{trace_id}-00f067aa0ba902b7-01"}}
        seen = {{}}
        for handler in ("on_message_dropped", "on_message_kept", "on_message"):
            with ThreadPoolExecutor(max_workers=1) as pool:  # one worker: the next task reuses its thread
                during = pool.submit(getattr(app, handler), HEADERS).result()
                seen[handler] = [during, pool.submit(app.current_trace_id).result()]
        print(json.dumps(seen))
        """,
    )
    unrelated = "0" * 32
    assert result["on_message_dropped"] == [trace_id, trace_id]
    assert result["on_message_kept"] == [[trace_id, True], trace_id]
    assert result["on_message"] == [trace_id, unrelated]


def test_context_setter_is_exempt_and_restored_by_the_callers_scope(tmp_path: Path) -> None:
    """The context-setter exemption (benchmarks/PRECISION.md, OpenTelemetry's
    labeler): a helper whose last action is a discarded `attach` sets the context for its
    caller. Inside the caller's own attach/detach scope (an instrumented request) the outer
    `detach` restores the context from before the scope, so nothing reaches the next task on
    a pooled thread; called with no scope around it, it does leak (why only helpers this
    module calls directly are exempt, never callbacks)."""
    result = scenario(
        tmp_path,
        """
        from opentelemetry import context, propagate
        from opentelemetry.context import attach, get_value, set_value


        def _attach_labeler(value):
            attach(set_value("labeler", value))


        def set_labeler(value):
            _attach_labeler(value)


        def handle_instrumented(headers, value):
            token = context.attach(propagate.extract(headers))
            try:
                set_labeler(value)
                return get_value("labeler")
            finally:
                context.detach(token)


        def handle_bare(value):
            set_labeler(value)
            return get_value("labeler")


        def labeler():
            return get_value("labeler")
        """,
        """
        from concurrent.futures import ThreadPoolExecutor

        HEADERS = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
        with ThreadPoolExecutor(max_workers=1) as pool:  # one worker: the next task reuses its thread
            scoped = [pool.submit(app.handle_instrumented, HEADERS, "a").result(), pool.submit(app.labeler).result()]
            bare = [pool.submit(app.handle_bare, "b").result(), pool.submit(app.labeler).result()]
        print(json.dumps({"scoped": scoped, "bare": bare, "errors": CONTEXT_ERRORS}))
        """,
    )
    assert result == {"scoped": ["a", None], "bare": ["b", "b"], "errors": []}


def test_restoring_and_nested_attaches_leave_nothing_on_the_thread(tmp_path: Path) -> None:
    """The two other CTX502 exemptions, on a pooled thread with the real API: re-attaching a
    context saved with `get_current()` in a `finally` (logfire) restores it, and an attach
    made inside a scope whose token is stored for a teardown hook (flask) is undone when
    that token is detached. The next task on the thread sees neither value, and nothing
    logs "Failed to detach context"."""
    result = scenario(
        tmp_path,
        """
        from opentelemetry import context
        from opentelemetry.context import attach, get_current, get_value, set_value


        def run_in(ctx, work):
            previous = get_current()
            attach(ctx)
            try:
                return work()
            finally:
                attach(previous)


        def before_request(environ):
            token = context.attach(set_value("request", "r1"))
            environ["token"] = token
            context.attach(set_value("sqlcommenter", "tags"))


        def teardown_request(environ):
            context.detach(environ.pop("token"))


        def handle(environ):
            before_request(environ)
            seen = [get_value("request"), get_value("sqlcommenter")]
            teardown_request(environ)
            return seen


        def visible():
            return [get_value("request"), get_value("sqlcommenter"), get_value("work")]
        """,
        """
        from concurrent.futures import ThreadPoolExecutor
        from opentelemetry.context import get_value, set_value

        with ThreadPoolExecutor(max_workers=1) as pool:  # one worker: the next task reuses its thread
            restored = [pool.submit(app.run_in, set_value("work", 1), lambda: get_value("work")).result(),
                        pool.submit(app.visible).result()]
            nested = [pool.submit(app.handle, {}).result(), pool.submit(app.visible).result()]
        print(json.dumps({"restored": restored, "nested": nested, "errors": CONTEXT_ERRORS}))
        """,
    )
    assert result == {
        "restored": [1, [None, None, None]],
        "nested": [["r1", "tags"], [None, None, None]],
        "errors": [],
    }


def test_detach_outside_finally_leaks_when_the_handler_raises(tmp_path: Path) -> None:
    app = """
    from opentelemetry import context, propagate, trace


    def on_message(headers):
        token = context.attach(propagate.extract(headers))  # error: CTX502
        process(headers)
        context.detach(token)


    def on_message_safely(headers):
        token = context.attach(propagate.extract(headers))
        try:
            process(headers)
        finally:
            context.detach(token)


    def process(headers):
        raise ValueError("bad message")


    def current_trace_id():
        return format(trace.get_current_span().get_span_context().trace_id, "032x")
    """
    result = scenario(
        tmp_path,
        app,
        """
        from concurrent.futures import ThreadPoolExecutor

        HEADERS = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
        seen = {}
        for handler in ("on_message", "on_message_safely"):
            with ThreadPoolExecutor(max_workers=1) as pool:
                assert pool.submit(getattr(app, handler), HEADERS).exception() is not None
                seen[handler] = pool.submit(app.current_trace_id).result()
        print(json.dumps(seen))
        """,
        preview=True,
    )
    assert result == {"on_message": "4bf92f3577b34da6a3ce929d0e0e4736", "on_message_safely": "0" * 32}


# ---------------------------------------------------------------------------- CTX506

GENERATORS_APP = """
import contextlib

from opentelemetry import context, propagate, trace

tracer = trace.get_tracer(__name__)


async def stream_rows(rows):
    with tracer.start_as_current_span("stream_rows"):
        for row in rows:
            yield row  # error: CTX506


async def relay(messages):
    for headers in messages:
        token = context.attach(propagate.extract(headers))
        try:
            yield headers  # error: CTX506
        finally:
            context.detach(token)


def paginate(pages):
    with tracer.start_as_current_span("paginate"):
        yield from pages  # error: CTX506


@tracer.start_as_current_span("export")  # error: CTX506
def export_rows(rows):
    for row in rows:
        yield row, trace.get_current_span().is_recording()


# --- use instead


async def stream_rows_safely(rows):
    span = tracer.start_span("stream_rows_safely")
    try:
        for row in rows:
            yield row
    finally:
        span.end()


def paginate_safely(pages):
    span = tracer.start_span("paginate_safely")
    try:
        for page in pages:
            with trace.use_span(span):
                prepared = list(page)
            yield from prepared
    finally:
        span.end()


def export_rows_traced(rows):
    span = tracer.start_span("export_traced")
    try:
        for row in rows:
            with trace.use_span(span):
                recording = trace.get_current_span().is_recording()
            yield row, recording
    finally:
        span.end()


@contextlib.contextmanager
def traced(name):
    # contextmanager generators are exempt: the `yield` is the caller's `with` body.
    with tracer.start_as_current_span(name) as span:
        yield span
"""

GENERATORS_DRIVER = """
import asyncio
import contextvars

HEADERS = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
result = {}


async def first_item(agen):
    return await agen.__anext__()


async def take_one_then_close_from_another_task(agen):
    # What a cancelled StreamingResponse or an `async for` left early does.
    await asyncio.create_task(first_item(agen))
    await asyncio.create_task(agen.aclose())


for name, make in (
    ("stream_rows", lambda: app.stream_rows([1, 2])),
    ("relay", lambda: app.relay([HEADERS, HEADERS])),
    ("stream_rows_safely", lambda: app.stream_rows_safely([1, 2])),
):
    CONTEXT_ERRORS.clear()
    asyncio.run(take_one_then_close_from_another_task(make()))
    result[name] = list(CONTEXT_ERRORS)

# Sync generators: each `next()` in its own copied context, as starlette's
# iterate_in_threadpool does; the consumer context is probed between items.
for name in ("paginate", "paginate_safely"):
    CONTEXT_ERRORS.clear()
    gen = getattr(app, name)([[1], [2]])
    consumer = contextvars.copy_context()
    consumer.run(next, gen)
    current = consumer.run(lambda: getattr(trace.get_current_span(), "name", None))
    contextvars.copy_context().run(gen.close)
    result[name] = {"current_in_consumer": current, "errors": list(CONTEXT_ERRORS)}

gen = app.export_rows([1, 2])
ended_before_first_item = "export" in exported()
result["export"] = {"ended_before_first_item": ended_before_first_item, "items": list(gen)}
gen = app.export_rows_traced([1, 2])
ended_before_first_item = "export_traced" in exported()
result["export_traced"] = {"ended_before_first_item": ended_before_first_item, "items": list(gen)}

CONTEXT_ERRORS.clear()
with app.traced("cm"):
    inside = trace.get_current_span().name
result["contextmanager"] = {"inside": inside, "errors": list(CONTEXT_ERRORS)}
result["exported"] = exported()
print(json.dumps(result))
"""


def test_span_across_yield_fails_to_detach_or_ends_early(tmp_path: Path) -> None:
    result = scenario(tmp_path, GENERATORS_APP, GENERATORS_DRIVER)
    assert result["stream_rows"] == ["Failed to detach context"]
    assert result["relay"] == ["Failed to detach context"]
    assert result["stream_rows_safely"] == []
    assert result["paginate"] == {"current_in_consumer": "paginate", "errors": ["Failed to detach context"]}
    assert result["paginate_safely"] == {"current_in_consumer": None, "errors": []}
    # The decorator ends the span when the generator object is created: the body runs outside it.
    assert result["export"] == {"ended_before_first_item": True, "items": [[1, False], [2, False]]}
    assert result["export_traced"] == {"ended_before_first_item": False, "items": [[1, True], [2, True]]}
    assert result["contextmanager"] == {"inside": "cm", "errors": []}
    assert {"stream_rows_safely", "paginate_safely", "export_traced", "cm"} <= set(result["exported"])


# ---------------------------------------------------------------------------- CTX503-505


def test_contextvar_set_on_a_pooled_thread_leaks_into_the_next_job(tmp_path: Path) -> None:
    app = """
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    job_id = contextvars.ContextVar("job_id", default=None)


    def run_job(job):
        job_id.set(job)  # error: CTX503
        return job


    def run_job_safely(job):
        token = job_id.set(job)
        try:
            return job
        finally:
            job_id.reset(token)


    def current_job():
        return job_id.get()


    def dispatch(job, safely):
        with ThreadPoolExecutor(max_workers=1) as pool:
            if safely:
                pool.submit(run_job_safely, job).result()
            else:
                pool.submit(run_job, job).result()
            return pool.submit(current_job).result()
    """
    result = scenario(
        tmp_path,
        app,
        'print(json.dumps({"leaky": app.dispatch("job-1", False), "safe": app.dispatch("job-2", True)}))',
    )
    assert result == {"leaky": "job-1", "safe": None}


def test_contextvar_created_per_call_never_sees_its_value(tmp_path: Path) -> None:
    app = """
    from contextvars import ContextVar

    USER = ContextVar("user", default=None)


    def remember_user(user):
        var = ContextVar("user", default=None)  # error: CTX504
        var.set(user)


    def recall_user():
        var = ContextVar("user", default=None)  # error: CTX504
        return var.get()


    def remember(user):
        USER.set(user)


    def recall():
        return USER.get()
    """
    driver = """
    app.remember_user("ann")
    app.remember("ann")
    print(json.dumps({"per_call": app.recall_user(), "module_level": app.recall()}))
    """
    assert scenario(tmp_path, app, driver) == {"per_call": None, "module_level": "ann"}


def test_contextvar_get_without_default_raises_in_a_fresh_thread(tmp_path: Path) -> None:
    app = """
    from contextvars import ContextVar

    tenant = ContextVar("tenant")


    def tenant_label():
        return tenant.get()  # error: CTX505


    def tenant_label_or_none():
        return tenant.get(None)


    def tenant_label_guarded():
        try:
            return tenant.get()
        except LookupError:
            return None
    """
    driver = """
    import threading

    app.tenant.set("acme")
    outcome = {"main": app.tenant_label()}

    def in_thread(name):
        try:
            outcome[name] = getattr(app, name)()
        except LookupError:
            outcome[name] = "LookupError"

    for name in ("tenant_label", "tenant_label_or_none", "tenant_label_guarded"):
        thread = threading.Thread(target=in_thread, args=(name,))
        thread.start()
        thread.join()
    print(json.dumps(outcome))
    """
    assert scenario(tmp_path, app, driver, preview=True) == {
        "main": "acme",
        "tenant_label": "LookupError",
        "tenant_label_or_none": None,
        "tenant_label_guarded": None,
    }


# ---------------------------------------------------------------------------- output

RELATED_APP = """
import contextvars

from celery import shared_task
from opentelemetry import context, propagate, trace

tracer = trace.get_tracer(__name__)
tenant = contextvars.ContextVar("tenant")


def charge(order):
    span = tracer.start_span("charge")
    if order:
        return order
    span.set_attribute("empty", True)


def on_message(message):
    token = context.attach(propagate.extract(message.headers))
    message.process()
    context.detach(token)


@shared_task
def rebuild(tenant_id):
    token = tenant.set(tenant_id)
    rebuild_index()
    tenant.reset(token)


def stream(rows):
    with tracer.start_as_current_span("stream"):
        yield from rows
"""


@pytest.fixture
def related_project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.ctxlint]\nselect = ["CTX5"]\npreview = true\n')
    (tmp_path / "app.py").write_text(RELATED_APP.lstrip("\n"))
    return tmp_path


EXPECTED_RELATED = {
    # code: (line reported, related line, related message)
    "CTX501": (11, 13, "the function returns here without ending it"),
    "CTX502": (18, 20, "detached here, not in a `finally`"),
    "CTX503": (25, 27, "reset here, not in a `finally`"),
    "CTX506": (32, 31, "the span is made current here"),
}


def test_second_location_is_a_related_location_in_json(related_project: Path) -> None:
    findings = run_json("app.py", cwd=related_project)
    assert sorted(f["code"] for f in findings) == sorted(EXPECTED_RELATED)
    for finding in findings:
        line, related_line, message = EXPECTED_RELATED[finding["code"]]
        assert finding["line"] == line
        assert [(r["line"], r["message"]) for r in finding["related"]] == [(related_line, message)]
        # ... and not in the message text.
        assert str(related_line) not in finding["message"] and "line" not in finding["message"]


def test_second_location_is_a_related_location_in_sarif(related_project: Path) -> None:
    completed = run_ctxlint("check", "--no-cache", "--output-format", "sarif", "app.py", cwd=related_project)
    assert completed.returncode == 1, completed.stderr.decode()
    results = json.loads(completed.stdout)["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == sorted(EXPECTED_RELATED)
    for result in results:
        line, related_line, message = EXPECTED_RELATED[result["ruleId"]]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line
        (related,) = result["relatedLocations"]
        assert related["physicalLocation"]["artifactLocation"]["uri"] == "app.py"
        assert related["physicalLocation"]["region"]["startLine"] == related_line
        assert related["message"]["text"] == message


# ---------------------------------------------------------------------------- gate and tables


def _lifecycle_sources() -> list[Path]:
    return sorted((TESTDATA / "lifecycle").glob("*.py")) + sorted(
        p for d in TESTDATA.glob("projects/lifecycle_*") for p in d.rglob("*.py")
    )


def test_gate_is_conservative_for_lifecycle_rules() -> None:
    """With span factories of every name known, the gate never hides a CTX5 finding."""
    from ctxlint.analysis.project import ProjectFacts, extract_python_facts
    from ctxlint.engine import lint_bytes
    from ctxlint.settings import Settings

    sources = {path.name: path.read_bytes() for path in _lifecycle_sources()}
    # A caller of a factory whose name has no "span" in it, in a file that never says
    # "span": the gate skips the file, so the rule must not report it either.
    sources["factory_caller.py"] = b"from app.jobs import begin\n\n\ndef run():\n    begin()\n"
    factories = {"begin"}
    for data in sources.values():
        factories.update(extract_python_facts(data).span_factories)
    facts = ProjectFacts(opentelemetry=True, span_factories=frozenset(factories))
    settings = Settings(select=("CTX5",), preview=True)
    total = 0
    for name, data in sources.items():
        gated = lint_bytes(data, name, settings, facts).findings
        ungated = lint_bytes(data, name, settings, facts, use_gate=False).findings
        assert gated == ungated, name
        total += len(gated)
    assert total > 50  # the comparison covered real findings


def test_tables_match_the_installed_opentelemetry() -> None:
    from opentelemetry import context, trace
    from opentelemetry.sdk.trace import Tracer

    from ctxlint.semantics import lifecycle as sem
    from ctxlint.semantics.otel import ATTACH

    def parameter(function, name):
        params = [p for p in inspect.signature(function).parameters.values() if p.name != "self"]
        index = next(i for i, p in enumerate(params) if p.name == name)
        return index, params[index].default

    keyword, position = sem.END_ON_EXIT[sem.USE_SPAN]
    assert parameter(trace.use_span, keyword) == (position, False)
    keyword, position = sem.END_ON_EXIT[sem.START_AS_CURRENT_SPAN]
    assert parameter(Tracer.start_as_current_span, keyword) == (position, True)
    assert parameter(trace.Tracer.start_as_current_span, keyword) == (position, True)
    for path in (ATTACH, sem.DETACH, sem.USE_SPAN):
        module, _, attribute = path.rpartition(".")
        assert callable(getattr(sys.modules[module], attribute))
    assert hasattr(trace.Span, sem.SPAN_RELEASE_METHODS[0]) and hasattr(trace.Span, sem.SPAN_RELEASE_METHODS[1])
    assert context.detach.__module__ == "opentelemetry.context"


# ------------------------------------------------------- issue 16: tokens reset elsewhere


def test_token_reset_in_another_hook_context_fails(tmp_path: Path) -> None:
    """CTX503 on Django's process_request/process_response split (django-rls-tenants#58):
    under ASGI each sync hook runs in its own copy of the context (asgiref's
    sync_to_async), so the reset in the response hook raises ValueError. One `__call__`
    with try/finally resets in the context that set it."""
    app = """
    import contextvars
    from contextvars import ContextVar

    tenant = ContextVar("tenant", default=None)


    class SplitMiddleware:
        def process_request(self, request):
            request["token"] = tenant.set(request["tenant"])  # error: CTX503

        def process_response(self, request, response):
            tenant.reset(request["token"])
            return response


    class CallMiddleware:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            token = tenant.set(request["tenant"])
            try:
                return self.get_response(request)
            finally:
                tenant.reset(token)
    """
    driver = """
    import contextvars


    def each_hook_in_its_own_copy(middleware, request):
        # what Django's MiddlewareMixin.__acall__ does through sync_to_async
        contextvars.copy_context().run(middleware.process_request, request)
        try:
            contextvars.copy_context().run(middleware.process_response, request, "response")
        except ValueError as exc:
            return "created in a different Context" if "created in a different Context" in str(exc) else str(exc)
        return "reset"


    def one_call(request):
        middleware = app.CallMiddleware(lambda r: app.tenant.get())
        seen = contextvars.copy_context().run(middleware, request)
        return {"seen": seen, "after": app.tenant.get()}


    print(json.dumps({
        "split": each_hook_in_its_own_copy(app.SplitMiddleware(), {"tenant": "acme"}),
        "call": one_call({"tenant": "acme"}),
    }))
    """
    result = scenario(tmp_path, app, driver)
    assert result["split"] == "created in a different Context"
    assert result["call"] == {"seen": "acme", "after": None}


def test_detach_from_another_request_fails_on_a_shared_middleware(tmp_path: Path) -> None:
    """CTX502 on a token kept on a shared middleware's `self` and detached by another method:
    two concurrent requests overwrite it, the first detach is from the wrong context
    ("Failed to detach context") and the second request stays attached."""
    app = """
    from opentelemetry import context


    KEY = context.create_key("request")


    class SharedMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            self._enter(scope)
            try:
                await self.app(scope, receive, send)
            finally:
                self._leave()

        def _enter(self, scope):
            self._token = context.attach(context.set_value(KEY, scope["id"]))  # error: CTX502

        def _leave(self):
            context.detach(self._token)


    class LocalTokenMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            token = context.attach(context.set_value(KEY, scope["id"]))
            try:
                await self.app(scope, receive, send)
            finally:
                context.detach(token)
    """
    driver = """
    import asyncio

    from opentelemetry import context


    async def serve(kind):
        seen = {}

        async def endpoint(scope, receive, send):
            await asyncio.sleep(0.01 if scope["id"] == "a" else 0.02)
            seen[scope["id"]] = context.get_value(app.KEY)

        middleware = kind(endpoint)
        CONTEXT_ERRORS.clear()
        await asyncio.gather(middleware({"id": "a"}, None, None), middleware({"id": "b"}, None, None))
        return {"seen": seen, "errors": len(CONTEXT_ERRORS)}


    async def main():
        return {"shared": await serve(app.SharedMiddleware), "local": await serve(app.LocalTokenMiddleware)}


    print(json.dumps(asyncio.run(main())))
    """
    result = scenario(tmp_path, app, driver)
    assert result["shared"]["errors"] >= 1
    assert result["local"] == {"seen": {"a": "a", "b": "b"}, "errors": 0}


def test_contextvar_mutable_default_is_shared_by_every_context(tmp_path: Path) -> None:
    """CTX507 (literalai-python#161): a list default changed in place after `get()` is one
    object for every context that never set the variable, so a fresh context sees another
    one's steps; building a new value and `set()`-ing it keeps them apart."""
    app = """
    from contextvars import ContextVar

    shared_steps = ContextVar("shared_steps", default=[])  # error: CTX507
    own_steps = ContextVar("own_steps", default=())


    def start_shared(step):
        shared_steps.get().append(step)
        return list(shared_steps.get())


    def start_own(step):
        own_steps.set((*own_steps.get(), step))
        return list(own_steps.get())
    """
    driver = """
    import contextvars


    def in_fresh_contexts(start):
        return [contextvars.Context().run(start, name) for name in ("run-1", "run-2")]


    print(json.dumps({"shared": in_fresh_contexts(app.start_shared), "own": in_fresh_contexts(app.start_own)}))
    """
    assert scenario(tmp_path, app, driver) == {
        "shared": [["run-1"], ["run-1", "run-2"]],
        "own": [["run-1"], ["run-2"]],
    }


def test_per_instance_contextvar_loses_values_when_recreated(tmp_path: Path) -> None:
    """CTX504 on a ContextVar made per instance and re-created in a method
    (encode/databases#546): a value set before the re-creation is gone afterwards in the
    same context; a module-level variable keeps it."""
    app = """
    from contextvars import ContextVar

    CONNECTION = ContextVar("connection", default=None)


    class Database:
        def __init__(self):
            self._connection = ContextVar("connection", default=None)  # error: CTX504

        def disconnect(self):
            self._connection = ContextVar("connection", default=None)  # error: CTX504

        def connect(self, value):
            self._connection.set(value)

        def current(self):
            return self._connection.get()


    class ModuleLevelDatabase:
        def connect(self, value):
            CONNECTION.set(value)

        def disconnect(self):
            pass

        def current(self):
            return CONNECTION.get()
    """
    driver = """
    def after_disconnect(database):
        database.connect("conn-1")
        database.disconnect()
        return database.current()


    print(json.dumps({"per_instance": after_disconnect(app.Database()), "module": after_disconnect(app.ModuleLevelDatabase())}))
    """
    assert scenario(tmp_path, app, driver) == {"per_instance": None, "module": "conn-1"}


def test_span_ended_only_when_the_stream_is_exhausted(tmp_path: Path) -> None:
    """CTX501 on a span kept on a stream wrapper that ends it only on StopIteration
    (openlit#1454): a consumer that breaks early never gets it exported; ending it in
    `close()` too does."""
    app = """
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)


    class Stream:
        def __init__(self, items, span):
            self._items = iter(items)
            self._span = span

        def __iter__(self):
            return self

        def __next__(self):
            try:
                return next(self._items)
            except StopIteration:
                self._span.end()
                raise


    class ClosingStream(Stream):
        def close(self):
            self._span.end()


    def stream(items):
        span = tracer.start_span("stream")  # error: CTX501
        return Stream(items, span)


    def closing_stream(items):
        span = tracer.start_span("closing_stream")
        return ClosingStream(items, span)
    """
    driver = """
    first = next(iter(app.stream([1, 2, 3])))
    closing = app.closing_stream([1, 2, 3])
    first_closing = next(closing)
    closing.close()
    print(json.dumps({"exported": exported(), "read": [first, first_closing]}))
    """
    assert scenario(tmp_path, app, driver) == {"exported": ["closing_stream"], "read": [1, 1]}


def test_token_handed_to_a_generator_stays_attached_after_return(tmp_path: Path) -> None:
    """CTX502 on an attach whose token a generator detaches at its end (openinference#3078):
    after `run()` returns the stream, the value is still attached in the caller, and a
    consumer that stops early never detaches it. Attaching around each step leaves nothing
    behind."""
    app = """
    from opentelemetry import context

    KEY = context.create_key("node")


    class Wrapper:
        def run(self, items):
            token = context.attach(context.set_value(KEY, "workflow"))  # error: CTX502
            return self._stream(items, token)

        def _stream(self, items, token):
            try:
                yield from items
            finally:
                context.detach(token)


    class StepWrapper:
        def run(self, items):
            return self._stream(items, context.set_value(KEY, "workflow"))

        def _stream(self, items, ctx):
            for item in items:
                token = context.attach(ctx)
                try:
                    value = item * 10
                finally:
                    context.detach(token)
                yield value
    """
    driver = """
    from opentelemetry import context


    def leftover(wrapper):
        stream = wrapper.run([1, 2, 3])
        after_return = context.get_value(app.KEY)
        first = next(stream)
        del stream  # the consumer stops early
        return {"after_return": after_return, "first": first}


    print(json.dumps({"handed": leftover(app.Wrapper()), "per_step": leftover(app.StepWrapper())}))
    """
    result = scenario(tmp_path, app, driver)
    assert result == {
        "handed": {"after_return": "workflow", "first": 1},
        "per_step": {"after_return": None, "first": 10},
    }
