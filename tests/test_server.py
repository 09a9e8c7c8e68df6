"""`ctxlint server` end to end: a real LSP client (pytest-lsp) starts the installed
`ctxlint server` as a subprocess and talks to it over stdio, as an editor does.

Every test has its own project in its own `tmp_path` and its own server process. Waits
are bounded only to fail a hung server, never to time anything.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Callable, Optional

import pytest

pytest.importorskip("pytest_lsp")  # Python 3.10+, as pytest-lsp

import pytest_lsp  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

from conftest import TESTDATA, run_ctxlint, run_json, script  # noqa: E402

HANG = 120.0  # seconds before a wait fails: a hung server, not a slow one

THREADS = '[tool.ctxlint]\nextend-select = ["CTX2"]\n'
# CTX201: a thread started without the context its work reads.
JOBS = """\
import contextvars
import threading

request_id = contextvars.ContextVar("request_id", default="-")


def work():
    print(request_id.get())


def handle():
    threading.Thread(target=work).start()
"""
# CTX505 (a preview rule): `get()` on a ContextVar without a default.
TENANT = (
    'import contextvars\n\ntenant = contextvars.ContextVar("tenant")\n\n\ndef current():\n    return tenant.get()\n'
)

# A server whose every fix is safe, to see "fix all safe fixes" edit a file (the rules
# that fix today, CTX201-CTX203, all make unsafe fixes).
EVERY_FIX_SAFE = """\
import dataclasses
import sys

from ctxlint.rules import base

report = base.Rule.report


def every_fix_safe(self, node, message, *, fix=None, related=()):
    if fix is not None:
        fix = dataclasses.replace(fix, applicability="safe")
    report(self, node, message, fix=fix, related=related)


base.Rule.report = every_fix_safe
from ctxlint.cli import main

sys.exit(main(["server"]))
"""


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every `publishDiagnostics` in order."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
        types.CLIENT_REGISTER_CAPABILITY: register,
    }
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[script("ctxlint"), "server"], client_factory=recording_client)
)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-c", EVERY_FIX_SAFE], client_factory=recording_client)
)
async def safe_fix_client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------------- helpers


def project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


async def start(
    client: LanguageClient, root: Path, options: Optional[dict] = None, editor: str = "visual-studio-code"
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(editor),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )


def open_file(client: LanguageClient, path: Path, text: Optional[str] = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=1,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def save(client: LanguageClient, path: Path, text: Optional[str] = None) -> None:
    if text is not None:
        path.write_text(text, encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()))
    )


async def wait_for(
    client: LanguageClient,
    uri: str,
    *,
    since: int = 0,
    version: Optional[int] = None,
    until: Callable[[list[types.Diagnostic]], bool] = lambda diagnostics: True,
) -> list[types.Diagnostic]:
    """The first diagnostics published for `uri` after the `since`-th publication (of
    `version`, if given) that satisfy `until`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANG
    seen = since
    while True:
        published = client.published  # type: ignore[attr-defined]
        for params in published[seen:]:
            if params.uri == uri and (version is None or params.version == version) and until(list(params.diagnostics)):
                return list(params.diagnostics)
        seen = len(published)
        if client.error is not None:
            raise AssertionError(f"the client failed: {client.error}")
        if loop.time() > deadline:
            raise AssertionError(f"no matching diagnostics for {uri} (version {version})")
        await asyncio.sleep(0.01)


def published(client: LanguageClient) -> int:
    return len(client.published)  # type: ignore[attr-defined]


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


def facts_computed(client: LanguageClient) -> int:
    return sum("project facts computed" in m.message for m in client.log_messages)


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        (change_,) = edit.document_changes
        assert isinstance(change_, types.TextDocumentEdit) and change_.text_document.uri == uri
        return list(change_.edits)
    return list((edit.changes or {})[uri])


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """What an editor does with a code action's edits (ASCII text: UTF-16 = code points)."""
    lines = io.StringIO(text, newline="").readlines()
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return len(text) if position.line >= len(lines) else starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def code_actions(
    client: LanguageClient, uri: str, at: types.Range, only: Optional[list[str]] = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=at,
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return [action for action in result or [] if isinstance(action, types.CodeAction)]


def severity(code: str) -> types.DiagnosticSeverity:
    """Error for a default rule, warning for a preview rule (and CTX002), as in SARIF."""
    from ctxlint.rules import registry

    preview = code == "CTX002" or registry()[code].preview
    return types.DiagnosticSeverity.Warning if preview else types.DiagnosticSeverity.Error


def cli_fixed(root: Path, name: str, text: str) -> str:
    """What `ctxlint check --fix --unsafe-fixes` makes of `text` as the file `name`."""
    completed = run_ctxlint(
        "check", "--no-cache", "--fix", "--unsafe-fixes", "--stdin-filename", name, "-", cwd=root, stdin=text.encode()
    )
    return completed.stdout.decode()


# ---------------------------------------------------------------------- tests


@pytest.mark.asyncio
async def test_server_answers_initialize(client: LanguageClient, tmp_path: Path) -> None:
    result = await start(client, tmp_path)
    assert result.server_info is not None and result.server_info.name == "ctxlint"
    capabilities = result.capabilities
    assert capabilities.hover_provider
    assert isinstance(capabilities.code_action_provider, types.CodeActionOptions)
    assert set(capabilities.code_action_provider.code_action_kinds or ()) == {"quickfix", "source.fixAll.ctxlint"}
    sync = capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions) and sync.open_close and sync.save
    # A client that can watch files (VS Code) is asked to report Python and config files
    # changed outside the editor.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANG
    while not client.registrations and loop.time() < deadline:  # type: ignore[attr-defined]
        await asyncio.sleep(0.01)
    (registration,) = client.registrations  # type: ignore[attr-defined]
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES


@pytest.mark.asyncio
async def test_diagnostics_on_open_follow_each_edit(client: LanguageClient, tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": THREADS, "jobs.py": JOBS})
    await start(client, root)
    uri = open_file(client, root / "jobs.py")
    (diagnostic,) = await wait_for(client, uri, version=1)
    (cli,) = run_json("jobs.py", cwd=root)
    assert diagnostic.code == cli["code"] == "CTX201"
    assert diagnostic.message == cli["message"]
    assert diagnostic.source == "ctxlint"
    assert diagnostic.severity == severity("CTX201")
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("/ctxlint/rules/ctx2/ctx201_thread_without_context.py")
    assert diagnostic.range == types.Range(
        start=types.Position(cli["line"] - 1, cli["column"] - 1),
        end=types.Position(cli["end_line"] - 1, cli["end_column"] - 1),
    )

    fixed = JOBS.replace("target=work)", "target=contextvars.copy_context().run, args=(work,))")
    change(client, uri, 2, fixed)
    assert await wait_for(client, uri, version=2) == []

    change(client, uri, 3, TENANT)  # the same document, now other code: other findings
    assert await wait_for(client, uri, version=3) == []  # CTX505 is a preview rule
    dangling = "import asyncio\n\n\nasync def serve():\n    asyncio.create_task(serve())\n"
    (root / "tasks.py").write_text(dangling)
    (cli,) = run_json("tasks.py", cwd=root)
    change(client, uri, 4, dangling)
    (diagnostic,) = await wait_for(client, uri, version=4)
    assert (diagnostic.code, diagnostic.severity) == ("CTX401", types.DiagnosticSeverity.Error)  # a default rule
    assert diagnostic.range.start == types.Position(cli["line"] - 1, cli["column"] - 1)


@pytest.mark.asyncio
async def test_related_locations_and_hover(client: LanguageClient, tmp_path: Path) -> None:
    source = (
        "from opentelemetry import trace\n\ntracer = trace.get_tracer(__name__)\n\n\n"
        "def handle(order):\n"
        '    span = tracer.start_span("handle")\n'
        '    span.set_attribute("order", order)\n'
        "    return order\n"
    )
    root = project(tmp_path, {"pyproject.toml": "[tool.ctxlint]\n", "spans.py": source})
    await start(client, root, editor="neovim")  # UTF-8 positions
    uri = open_file(client, root / "spans.py")
    (diagnostic,) = await wait_for(client, uri, version=1)
    (cli,) = run_json("spans.py", cwd=root)
    assert diagnostic.code == "CTX501"
    (related,) = diagnostic.related_information or []
    (expected,) = cli["related"]
    assert related.message == expected["message"] == "the function returns here without ending it"
    assert related.location.uri == uri
    assert related.location.range.start == types.Position(expected["line"] - 1, expected["column"] - 1)

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(6, 20))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == run_ctxlint("rule", "CTX501").stdout.decode()
    nothing = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 3))
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_quick_fix_and_noqa_code_actions(client: LanguageClient, tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": THREADS, "jobs.py": JOBS})
    await start(client, root)
    uri = open_file(client, root / "jobs.py")
    (diagnostic,) = await wait_for(client, uri, version=1)

    actions = await code_actions(client, uri, diagnostic.range)
    fix, noqa = actions
    assert fix.kind == types.CodeActionKind.QuickFix and noqa.kind == types.CodeActionKind.QuickFix
    assert fix.title.startswith("ctxlint (CTX201): ") and fix.title.endswith("(unsafe fix)")
    assert not fix.is_preferred  # an unsafe fix is never applied without a look
    assert noqa.title == "ctxlint (CTX201): Disable for this line"
    assert [d.code for d in fix.diagnostics or ()] == ["CTX201"]

    fixed = apply(JOBS, edits_of(fix, uri))
    assert fixed == cli_fixed(root, "jobs.py", JOBS)
    assert "contextvars.copy_context().run" in fixed
    change(client, uri, 2, fixed)
    assert await wait_for(client, uri, version=2) == []

    # Only safe fixes are "fix all"; this file has an unsafe one.
    assert await code_actions(client, uri, diagnostic.range, only=["source.fixAll"]) == []

    change(client, uri, 3, JOBS)
    (diagnostic,) = await wait_for(client, uri, version=3)
    noqa = (await code_actions(client, uri, diagnostic.range))[1]
    silenced = apply(JOBS, edits_of(noqa, uri))
    assert silenced == JOBS.replace(".start()\n", ".start()  # noqa: CTX201\n")
    change(client, uri, 4, silenced)
    assert await wait_for(client, uri, version=4) == []


@pytest.mark.asyncio
async def test_noqa_extends_an_existing_noqa_comment(client: LanguageClient, tmp_path: Path) -> None:
    text = JOBS.replace(".start()\n", ".start()  # noqa: E501\n")
    root = project(tmp_path, {"pyproject.toml": THREADS, "jobs.py": text})
    await start(client, root)
    uri = open_file(client, root / "jobs.py")
    (diagnostic,) = await wait_for(client, uri, version=1)
    noqa = [a for a in await code_actions(client, uri, diagnostic.range) if "Disable" in a.title][0]
    assert apply(text, edits_of(noqa, uri)) == JOBS.replace(".start()\n", ".start()  # noqa: E501, CTX201\n")


@pytest.mark.asyncio
async def test_fix_all_safe_fixes_in_the_file(safe_fix_client: LanguageClient, tmp_path: Path) -> None:
    client = safe_fix_client
    text = JOBS + "\n\ndef again():\n    threading.Thread(target=work, daemon=True).start()\n"
    root = project(tmp_path, {"pyproject.toml": THREADS, "jobs.py": text})
    await start(client, root)
    uri = open_file(client, root / "jobs.py")
    diagnostics = await wait_for(client, uri, version=1)
    assert codes(diagnostics) == ["CTX201", "CTX201"]
    quick = await code_actions(client, uri, diagnostics[0].range, only=["quickfix"])
    assert quick[0].is_preferred  # a safe fix is the preferred quick fix
    (fix_all,) = await code_actions(client, uri, diagnostics[0].range, only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.ctxlint"
    fixed = apply(text, edits_of(fix_all, uri))
    assert fixed == cli_fixed(root, "jobs.py", text)
    assert fixed.count("contextvars.copy_context().run") == 2
    change(client, uri, 2, fixed)
    assert await wait_for(client, uri, version=2) == []


# A project whose threads are instrumented (ThreadingInstrumentor carries the OpenTelemetry
# context, and only that), and whose worker reads `request_id` from another module.
INSTRUMENTED = """\
from opentelemetry.instrumentation.threading import ThreadingInstrumentor

ThreadingInstrumentor().instrument()
"""
WORKER = """\
import threading

from app.context import request_id


def work():
    print(request_id.get())


def handle():
    threading.Thread(target=work).start()
"""
NO_VAR = "request_id = None  # not a ContextVar yet\n"
A_VAR = 'import contextvars\n\nrequest_id = contextvars.ContextVar("request_id", default="-")\n'


def instrumented_project(root: Path) -> Path:
    files = {"app/__init__.py": "", "app/telemetry.py": INSTRUMENTED, "app/context.py": NO_VAR, "app/jobs.py": WORKER}
    return project(root, {"pyproject.toml": THREADS, **files})


@pytest.mark.asyncio
async def test_facts_from_another_file_change_diagnostics_after_save(client: LanguageClient, tmp_path: Path) -> None:
    root = instrumented_project(tmp_path)
    jobs, context = root / "app" / "jobs.py", root / "app" / "context.py"
    await start(client, root)
    jobs_uri = open_file(client, jobs)
    assert await wait_for(client, jobs_uri, version=1) == [] == run_json("app/jobs.py", cwd=root)
    context_uri = open_file(client, context)
    await wait_for(client, context_uri, version=1)
    assert facts_computed(client) == 1  # once for the project, not per file

    # The project now defines the ContextVar the worker reads, which the instrumentor
    # does not carry: typed, nothing changes until the file is saved; saved, the thread
    # started in the other file loses it.
    change(client, context_uri, 2, A_VAR)
    await wait_for(client, context_uri, version=2)
    mark = published(client)
    save(client, context, A_VAR)
    (diagnostic,) = await wait_for(client, jobs_uri, since=mark)
    assert diagnostic.code == "CTX201" and "request_id" in diagnostic.message
    (cli,) = run_json("app/jobs.py", cwd=root)
    assert diagnostic.message == cli["message"]
    assert facts_computed(client) == 2
    assert [p.uri for p in client.published[mark:]].count(jobs_uri) == 1  # type: ignore[attr-defined]

    # An edit of an unrelated line re-lints that one file, and the facts stay as they are.
    edited = WORKER.replace("def handle():\n", "def handle():\n    # one worker per request\n")
    change(client, jobs_uri, 2, edited)
    assert codes(await wait_for(client, jobs_uri, version=2)) == ["CTX201"]
    mark = published(client)
    save(client, jobs, edited)
    assert codes(await wait_for(client, jobs_uri, since=mark)) == ["CTX201"]
    assert facts_computed(client) == 2

    # And back: saved without the ContextVar, the finding goes.
    change(client, context_uri, 3, NO_VAR)
    mark = published(client)
    save(client, context, NO_VAR)
    assert await wait_for(client, jobs_uri, since=mark) == []
    assert facts_computed(client) == 3


@pytest.mark.asyncio
async def test_files_changed_outside_the_editor(client: LanguageClient, tmp_path: Path) -> None:
    root = instrumented_project(tmp_path)
    await start(client, root)
    uri = open_file(client, root / "app" / "jobs.py")
    assert await wait_for(client, uri, version=1) == []
    context = root / "app" / "context.py"
    context.write_text(A_VAR)  # say, by `git pull`
    mark = published(client)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=context.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert codes(await wait_for(client, uri, since=mark)) == ["CTX201"]


@pytest.mark.asyncio
async def test_config_change_applies_after_save(client: LanguageClient, tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": '[tool.ctxlint]\nselect = ["CTX4"]\n', "jobs.py": JOBS})
    await start(client, root)
    uri = open_file(client, root / "jobs.py")
    assert await wait_for(client, uri, version=1) == []
    mark = published(client)
    save(client, root / "pyproject.toml", THREADS)
    assert codes(await wait_for(client, uri, since=mark)) == ["CTX201"]

    mark = published(client)
    save(client, root / "pyproject.toml", '[tool.ctxlint]\nselect = ["CTX9"]\n')
    (problem,) = await wait_for(client, uri, since=mark)
    assert problem.code == "CTX002" and "unknown rule selector 'CTX9'" in problem.message


@pytest.mark.asyncio
async def test_syntax_errors_while_typing_never_crash_the_server(client: LanguageClient, tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": THREADS, "jobs.py": JOBS})
    await start(client, root)
    uri = open_file(client, root / "jobs.py")
    assert codes(await wait_for(client, uri, version=1)) == ["CTX201"]

    typing = [
        "def handle(:\n",
        "x = (\n",
        'name = "unterminated\n',
        "if True:\nx = 1\n",
        "\0\n",
        "(" * 3000 + "\n",
        "\ufeff\u00e9 = 1\n",
    ]
    version = 1
    for broken in typing:
        version += 1
        change(client, uri, version, JOBS + broken)
        diagnostics = await wait_for(client, uri, version=version)
        assert codes(diagnostics) == ["CTX001"], (broken, diagnostics)
        actions = await code_actions(client, uri, diagnostics[0].range)
        assert all("Disable" not in action.title for action in actions)  # CTX001 cannot be silenced

    version += 1
    change(client, uri, version, JOBS + "def handle(:\n")
    (diagnostic,) = await wait_for(client, uri, version=version)
    assert diagnostic.message == "syntax error: invalid syntax (line 13, column 12)"
    assert diagnostic.range.start == types.Position(12, 11)

    version += 1
    change(client, uri, version, JOBS)  # typed to the end: the findings are back
    assert codes(await wait_for(client, uri, version=version)) == ["CTX201"]
    assert client.error is None


@pytest.mark.asyncio
async def test_initialization_options_set_preview_and_select(client: LanguageClient, tmp_path: Path) -> None:
    text = JOBS + "\n\nasync def serve():\n    asyncio.create_task(serve())\n"
    root = project(tmp_path, {"pyproject.toml": "[tool.ctxlint]\n", "jobs.py": "import asyncio\n" + text})
    await start(
        client, root, options={"settings": {"lint": {"select": ["CTX201"]}}, "preview": "yes", "ignore": ["CTX9"]}
    )
    uri = open_file(client, root / "jobs.py")
    assert codes(await wait_for(client, uri, version=1)) == ["CTX201"]  # selected explicitly; CTX401 not
    warnings = [m.message for m in client.messages]
    assert "ctxlint: initializationOptions preview must be true or false; ignored" in warnings
    assert any("unknown rule selector 'CTX9'" in message for message in warnings)


@pytest.mark.asyncio
async def test_preview_option(client: LanguageClient, tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": "[tool.ctxlint]\n", "tenant.py": TENANT})
    await start(client, root, options={"preview": True})
    uri = open_file(client, root / "tenant.py")
    (diagnostic,) = await wait_for(client, uri, version=1)
    assert (diagnostic.code, diagnostic.severity) == ("CTX505", types.DiagnosticSeverity.Warning)


def test_noqa_goes_where_it_counts(tmp_path: Path) -> None:
    """After a multi-line string (never inside it), or after an open bracket."""
    from ctxlint.findings import Finding, Location
    from ctxlint.server.text import apply_edits, noqa_edit

    source = JOBS + '    threading.Thread(target=work, name="""first\nsecond""").start()\n'
    source += "    threading.Thread(\n        target=work,\n    ).start()\n"
    root = project(tmp_path, {"pyproject.toml": THREADS, "jobs.py": source})
    found = run_json("jobs.py", cwd=root)
    assert [item["line"] for item in found] == [12, 13, 15]
    for item in found:
        finding = Finding(
            item["code"],
            item["name"],
            item["message"],
            "jobs.py",
            Location(item["line"], item["column"], item["end_line"], item["end_column"]),
        )
        edit = noqa_edit(source, finding)
        assert edit is not None
        source = apply_edits(source, [edit])
    assert source.endswith(
        "    threading.Thread(target=work).start()  # noqa: CTX201\n"
        '    threading.Thread(target=work, name="""first\nsecond""").start()  # noqa: CTX201\n'
        "    threading.Thread(  # noqa: CTX201\n        target=work,\n    ).start()\n"
    )
    (root / "jobs.py").write_text(source)
    assert run_json("jobs.py", cwd=root) == []


def test_server_without_its_extra_says_what_to_install() -> None:
    blocked = "import sys; sys.modules['pygls'] = None; from ctxlint.cli import main; sys.exit(main(['server']))"
    completed = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert completed.returncode == 2
    assert completed.stderr == (
        "ctxlint: error: `ctxlint server` needs pygls 2 and lsprotocol: pip install 'ctxlint[server]'\n"
    )


# ---------------------------------------------------------------------- parity


def _code_points(text: str, line: int, character: int) -> int:
    """A UTF-16 position's 1-based code point column."""
    lines = io.StringIO(text, newline="").readlines()
    content = lines[line].rstrip("\r\n") if line < len(lines) else ""
    units = 0
    for index, char in enumerate(content):
        if units >= character:
            return index + 1
        units += len(char.encode("utf-16-le", "surrogatepass")) // 2
    return len(content) + 1


def _editor_text(path: Path) -> str:
    """The text an editor shows for a file (undecodable bytes as U+FFFD)."""
    from ctxlint.source import DecodeError, decode

    data = path.read_bytes()
    try:
        return decode(data).text
    except DecodeError:
        return data.decode("utf-8", "replace")


@pytest.mark.asyncio
async def test_parity_with_cli_on_all_of_testdata(client: LanguageClient, tmp_path: Path) -> None:
    from fixtures import materialise

    fixtures = materialise(tmp_path)
    assert len(fixtures) > 100 and (TESTDATA / "projects").is_dir()
    cli: dict[Path, set] = {fixture.copy.resolve(): set() for fixture in fixtures}
    for item in run_json(str(tmp_path), cwd=tmp_path):
        where = (item["line"], item["column"], item["end_line"], item["end_column"])
        cli.setdefault((tmp_path / item["filename"]).resolve(), set()).add((*where, item["code"], item["message"]))
    assert sum(map(len, cli.values())) > 100

    await start(client, tmp_path)
    texts = {}
    for path in cli:
        texts[path.as_uri()] = _editor_text(path)
        open_file(client, path, texts[path.as_uri()])
    server: dict[Path, set] = {}
    for path in cli:
        uri = path.as_uri()
        diagnostics = await wait_for(client, uri, version=1)
        text = texts[uri]
        server[path] = {
            (
                d.range.start.line + 1,
                _code_points(text, d.range.start.line, d.range.start.character),
                d.range.end.line + 1,
                _code_points(text, d.range.end.line, d.range.end.character),
                str(d.code),
                d.message,
            )
            for d in diagnostics
        }
    differences = {
        str(path.relative_to(tmp_path)): (cli[path], server[path]) for path in cli if cli[path] != server[path]
    }
    assert differences == {}
    print(json.dumps({"files": len(cli), "findings": sum(map(len, server.values()))}))
