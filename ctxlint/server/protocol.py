"""The language server: LSP over stdio on pygls, a front end like the CLI.

- Diagnostics when a document is opened, when it changes (debounced: a burst of
  keystrokes gives one lint) and when it is saved; each is the finding `ctxlint check`
  reports for that text, with the rule's code, a link to its documentation, its
  severity (error for default rules; warning for preview rules and CTX002, as in SARIF
  and GitHub annotations) and its related locations.
- Code actions: a finding's fix (a safe one is the preferred quick fix; an unsafe one is
  labelled so), `# noqa: CODE` for the line, and every safe fix in the file
  (`source.fixAll.ctxlint`).
- Hover on a finding: the rule's documentation, as `ctxlint rule CODE` prints it.

Documents are linted on one thread, one at a time (the engine's recursion limit and
paused garbage collector are process-wide), while the event loop keeps reading
messages: a lint whose document changed meanwhile is dropped, never published.
Documents are synchronised in full (the protocol's lines end at `\\n`, `\\r\\n` or `\\r`;
pygls's incremental sync also breaks lines at form feeds).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from ctxlint import __version__
from ctxlint.findings import Finding, Location
from ctxlint.reporters.sarif import level
from ctxlint.rules import registry
from ctxlint.server.projects import (
    CONFIG_ERROR,
    Linted,
    Projects,
    parse_options,
    path_is_python,
)
from ctxlint.server.text import Edit, Lines, fix_edits, noqa_edit, text_edits

# From the last keystroke to the lint. Small: a large file of the benchmark corpus lints
# in a few tenths of a second, and the diagnostics must arrive no later than
# `ctxlint check FILE` would print them (benchmarks/lsp_latency.py).
DEBOUNCE_SECONDS = 0.05
FIX_ALL = "source.fixAll.ctxlint"
REPOSITORY = "https://github.com/ctxlint/ctxlint"
# Deeply nested code recurses deeply in LibCST; the CLI lints on the main thread.
LINT_THREAD_STACK = 64 * 1024 * 1024
# Findings the engine makes itself, which noqa comments do not silence.
ENGINE_CODES = ("CTX001", "CTX002")
WATCHED = ("**/*.py", "**/*.pyi", "**/pyproject.toml", "**/ctxlint.toml", "**/.ctxlint.toml")


def rule_url(code: str) -> str:
    """The rule's documentation: its module, whose docstring and examples are the docs."""
    rule = registry().get(code)
    if rule is None:
        return f"{REPOSITORY}#rules"
    return f"{REPOSITORY}/blob/main/{rule.__module__.replace('.', '/')}.py"


@dataclass
class Document:
    """The lint of one version of an open document."""

    uri: str
    path: Path
    version: Optional[int]
    linted: Linted
    lines: Lines


class CtxlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ctxlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.projects = Projects([])
        self.problems: list[str] = []
        self.open: dict[str, Path] = {}  # the open Python documents
        self.results: dict[str, Document] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.roots: dict[str, Optional[str]] = {}  # each open document's project root
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.lint_thread = _lint_executor()

    # ------------------------------------------------------------------ plumbing

    @property
    def encoding(self) -> str:
        encoding = str(self.workspace.position_encoding or "utf-16")
        return encoding if encoding in ("utf-8", "utf-16", "utf-32") else "utf-16"

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """A `window/logMessage`, from any thread."""
        if self.loop is not None:
            params = types.LogMessageParams(type=kind, message=f"ctxlint: {message}")
            self.loop.call_soon_threadsafe(self.window_log_message, params)

    async def in_lint_thread(self, function: Callable, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.lint_thread, functools.partial(function, *args))

    def path_of(self, uri: str) -> Path:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:  # an unsaved buffer: linted as a file of the first folder
            base = self.projects.folders[0] if self.projects.folders else Path.cwd()
            return base / "untitled.py"
        return Path(path)

    def text_of(self, uri: str) -> tuple[Optional[int], str]:
        document = self.workspace.get_text_document(uri)
        return document.version, document.source

    # ------------------------------------------------------------------ linting

    def schedule(self, uri: str, delay: float) -> None:
        """Lint `uri` after `delay`, replacing a lint scheduled and not yet started."""
        self.cancel(uri)
        self.pending[uri] = asyncio.ensure_future(self._lint_later(uri, delay))

    def cancel(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None and not task.done():
            task.cancel()

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            await self.lint_document(uri)
        except Exception as exc:  # pragma: no cover - a bug in the server: logged, not fatal
            self.log(f"internal error in ctxlint server: {type(exc).__name__}: {exc}", types.MessageType.Error)

    async def lint_document(self, uri: str) -> Optional[Document]:
        """Lint the document's current text and publish its diagnostics; None if it
        changed or closed meanwhile."""
        path = self.open.get(uri)
        if path is None:
            return None
        version, text = self.text_of(uri)
        reloads = self.projects.reloads
        try:
            linted, root = await self.in_lint_thread(self._lint, path, text)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in ctxlint: shown, never fatal
            message = f"internal error in ctxlint server: {type(exc).__name__}: {exc}"
            self.log(message, types.MessageType.Error)
            linted, root = (
                Linted(text, [Finding(CONFIG_ERROR, "internal-error", message, str(path), Location(1, 1, 1, 1))]),
                None,
            )
        if self.projects.reloads != reloads:  # a config file changed: lint the others too
            for other in self.open:
                if other != uri:
                    self.schedule(other, 0)
        if self.open.get(uri) != path or self.text_of(uri)[0] != version:
            return None
        document = Document(uri, path, version, linted, Lines(text, self.encoding))
        self.results[uri] = document
        self.roots[uri] = root
        diagnostics = [self.diagnostic(document, finding) for finding in linted.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )
        return document

    def _lint(self, path: Path, text: str) -> tuple[Linted, Optional[str]]:
        linted = self.projects.lint(path, text)
        if linted.problem is not None:
            self.log(f"{path}: {linted.problem}", types.MessageType.Error)
            return linted, None
        return linted, self.projects.settings_for(path).root

    async def current(self, uri: str) -> Optional[Document]:
        """The lint of the document as it is now (linting it if it changed since)."""
        if uri not in self.open:
            return None
        version = self.text_of(uri)[0]
        task = self.pending.get(uri)
        if task is not None and not task.done():
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                pass
        result = self.results.get(uri)
        if result is not None and result.version == version:
            return result
        self.cancel(uri)
        return await self.lint_document(uri)

    async def files_changed(self, paths: list[Path]) -> None:
        """Files were saved or changed on disk: lint again the open documents of the
        projects whose facts (or configuration) changed."""
        try:
            roots = await self.in_lint_thread(self.projects.changed, paths)
        except Exception as exc:
            self.log(f"internal error in ctxlint server: {type(exc).__name__}: {exc}", types.MessageType.Error)
            return
        if roots is not None and not roots:
            return
        self.log(
            "project facts changed: linting the open documents again" if roots else "linting the open documents again"
        )
        for uri in list(self.open):
            if roots is None or self.roots.get(uri) in roots:
                self.schedule(uri, 0)

    # ------------------------------------------------------------------ conversions

    def range_of(self, lines: Lines, location: Location) -> types.Range:
        start = lines.to_client(location.line, location.column)
        end = lines.to_client(location.end_line, location.end_column)
        return types.Range(start=types.Position(*start), end=types.Position(*end))

    def uri_of(self, document: Document, filename: str) -> str:
        """The URI of another file a finding names (named, like the finding's own file,
        relative to the server's working directory)."""
        from pathlib import Path

        return Path(filename).resolve().as_uri()

    def diagnostic(self, document: Document, finding: Finding) -> types.Diagnostic:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=document.uri if item.filename is None else self.uri_of(document, item.filename),
                    range=self.range_of(document.lines, item.location)
                    if item.filename is None
                    else types.Range(
                        start=types.Position(item.location.line - 1, 0), end=types.Position(item.location.line - 1, 0)
                    ),
                ),
                message=item.message,
            )
            for item in finding.related
        ]
        return types.Diagnostic(
            range=self.range_of(document.lines, finding.location),
            message=finding.message,
            severity=types.DiagnosticSeverity.Error
            if level(finding.code) == "error"
            else types.DiagnosticSeverity.Warning,
            code=finding.code,
            code_description=types.CodeDescription(href=rule_url(finding.code)),
            source="ctxlint",
            related_information=related or None,
            data={"name": finding.name},
        )

    def workspace_edit(self, document: Document, edits: list[Edit]) -> types.WorkspaceEdit:
        changes = [
            types.TextEdit(range=self.range_of(document.lines, Location(*edit[:4])), new_text=edit[4]) for edit in edits
        ]
        capabilities = self.client_capabilities.workspace
        workspace_edit = capabilities.workspace_edit if capabilities is not None else None
        if workspace_edit is not None and workspace_edit.document_changes:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
            return types.WorkspaceEdit(
                document_changes=[types.TextDocumentEdit(text_document=identifier, edits=changes)]
            )
        return types.WorkspaceEdit(changes={document.uri: changes})

    # ------------------------------------------------------------------ requests

    async def code_actions(self, params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
        document = await self.current(params.text_document.uri)
        if document is None:
            return None
        only = params.context.only

        def wanted(kind: str) -> bool:
            return not only or any(kind == str(prefix) or kind.startswith(f"{prefix}.") for prefix in only)

        start = document.lines.from_client(params.range.start.line, params.range.start.character)
        end = document.lines.from_client(params.range.end.line, params.range.end.character)
        actions: list[types.CodeAction] = []
        for finding in document.linted.findings if wanted(types.CodeActionKind.QuickFix) else ():
            location = finding.location
            if (location.line, location.column) > end or (location.end_line, location.end_column) < start:
                continue
            diagnostic = self.diagnostic(document, finding)
            edits = fix_edits(finding.fix.diff) if finding.fix is not None else None
            if finding.fix is not None and edits:
                unsafe = finding.fix.applicability != "safe"
                title = f"ctxlint ({finding.code}): {finding.fix.message}" + (" (unsafe fix)" if unsafe else "")
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=not unsafe,
                        edit=self.workspace_edit(document, edits),
                    )
                )
            noqa = noqa_edit(document.linted.text, finding) if finding.code not in ENGINE_CODES else None
            if noqa is not None:
                actions.append(
                    types.CodeAction(
                        title=f"ctxlint ({finding.code}): Disable for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=self.workspace_edit(document, [noqa]),
                    )
                )
        fixable = any(f.fix is not None and f.fix.applicability == "safe" for f in document.linted.findings)
        if fixable and wanted(FIX_ALL):
            fixed = await self.in_lint_thread(self.projects.lint, document.path, document.linted.text, "safe")
            edits = text_edits(document.linted.text, fixed.fixed_text) if fixed.fixed_text is not None else None
            if edits and self.text_of(document.uri)[0] == document.version:
                actions.append(
                    types.CodeAction(
                        title="ctxlint: Fix all safe fixes in this file",
                        kind=FIX_ALL,
                        edit=self.workspace_edit(document, edits),
                    )
                )
        return actions

    async def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        document = await self.current(params.text_document.uri)
        if document is None:
            return None
        here = document.lines.from_client(params.position.line, params.position.character)
        found = [
            f
            for f in document.linted.findings
            if (f.location.line, f.location.column) <= here <= (f.location.end_line, f.location.end_column)
        ]
        rules = registry()
        codes = [code for code in dict.fromkeys(f.code for f in found) if code in rules]
        if not codes:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(rules[code].documentation() for code in codes)
            ),
            range=self.range_of(document.lines, found[0].location),
        )


def _lint_executor() -> ThreadPoolExecutor:
    """One thread, started now with a large stack."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ctxlint-lint")
    try:
        previous = threading.stack_size(LINT_THREAD_STACK)
    except (ValueError, RuntimeError):  # a platform that does not allow it
        return executor
    try:
        executor.submit(int).result()
    finally:
        threading.stack_size(previous)
    return executor


def create_server() -> CtxlintServer:
    server = CtxlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: CtxlintServer, params: types.InitializeParams) -> None:
        ls.loop = asyncio.get_running_loop()
        folders = [f.uri for f in params.workspace_folders or ()] or [params.root_uri or ""]
        paths = [Path(p) for p in (to_fs_path(uri) for uri in folders if uri) if p]
        if not paths and params.root_path:
            paths = [Path(params.root_path)]
        overrides, ls.problems = parse_options(params.initialization_options)
        ls.projects = Projects([p.absolute() for p in paths], overrides, log=ls.log)

    @server.feature(types.INITIALIZED)
    def initialized(ls: CtxlintServer, params: types.InitializedParams) -> None:
        for problem in ls.problems:
            ls.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=f"ctxlint: {problem}")
            )
        workspace = ls.client_capabilities.workspace
        watching = workspace.did_change_watched_files if workspace is not None else None
        if watching is not None and watching.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
            )
            registration = types.Registration(
                id="ctxlint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CtxlintServer, params: types.DidOpenTextDocumentParams) -> None:
        uri, path = params.text_document.uri, ls.path_of(params.text_document.uri)
        if path_is_python(path, params.text_document.language_id):
            ls.open[uri] = path
            ls.lint_thread.submit(_quietly(ls.projects.remember), path)
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CtxlintServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in ls.open:
            ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    async def did_save(ls: CtxlintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in ls.open:
            ls.schedule(uri, 0)
        await ls.files_changed([ls.path_of(uri)])

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CtxlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel(uri)
        ls.results.pop(uri, None)
        ls.roots.pop(uri, None)
        if ls.open.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_files(ls: CtxlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [Path(p) for p in (to_fs_path(change.uri) for change in params.changes) if p]
        if paths:
            await ls.files_changed(paths)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
    )
    async def code_action(ls: CtxlintServer, params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
        return await ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: CtxlintServer, params: types.HoverParams) -> Optional[types.Hover]:
        return await ls.hover(params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CtxlintServer, params: None) -> None:
        for uri in list(ls.pending):
            ls.cancel(uri)
        ls.lint_thread.shutdown(wait=False, cancel_futures=True)

    return server


def _quietly(function: Callable) -> Callable:
    """A lint-thread job whose failure is not worth more than a log line."""

    @functools.wraps(function)
    def run(*args: Any) -> None:
        try:
            function(*args)
        except Exception:
            pass

    return run
