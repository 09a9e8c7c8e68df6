"""The project's facts: what one file contributes, and what the project adds up to."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, Optional

from ctxlint.analysis.project.summaries import ContextFlow, program_of
from ctxlint.semantics import boundaries as bnd
from ctxlint.semantics import instrumentation as inst


@dataclass
class Instrumentation:
    library: str  # entry-point name ("wsgi"/"asgi" for OpenTelemetryMiddleware)
    where: str  # "path:line", "auto-instrumentation (Dockerfile:9)" or "config"
    objects: tuple[str, ...] = ()  # kind "object": the instrumented objects as written
    kind: str = "global"  # "global" | "object" | "construction" | "auto" | "config"
    form: str = ""  # the call, for --verbose: "FlaskInstrumentor().instrument_app(...)"

    @property
    def is_global(self) -> bool:
        return self.kind in ("global", "auto", "config")

    def object_names(self) -> set[str]:
        """Names an instrumented object goes by: `self.client` -> {"client"}."""
        return {part for text in self.objects for part in text.split(".") if part not in ("self", "cls")}

    def describe(self, more: int = 0) -> str:
        """`requests (app/telemetry.py:12)`; `more` other places do the same."""
        where = f"{self.where}, +{more} more" if more else self.where
        if self.kind == "object":
            what = f"{inst.MIDDLEWARE_CLASS} ({self.library})" if self.library in ("wsgi", "asgi") else self.library
            return f"{what} for {', '.join(self.objects)} ({where})"
        if self.kind == "construction":
            return f"{self.library} via {self.form} ({where})"
        if self.kind == "auto":
            return f"{self.library} (auto-instrumentation, {where})"
        return f"{self.library} ({where})"

@dataclass
class FileFacts:
    """What one file contributes (JSON-serialisable; cached per file)."""

    imports_opentelemetry: bool = False
    # [library, line, objects, kind, form]
    instrumentations: list[list] = field(default_factory=list)
    auto_instrumentation: Optional[int] = None  # line of the launcher / initialize()
    provider_set: Optional[int] = None  # line of a module-level `set_tracer_provider(...)`
    disabled: list[list] = field(default_factory=list)  # [library, line]
    context_vars: list[list] = field(default_factory=list)  # [name, line]
    context_wrappers: list[str] = field(default_factory=list)
    span_factories: list[str] = field(default_factory=list)
    injectors: list[str] = field(default_factory=list)
    extractors: list[str] = field(default_factory=list)
    # [name, line]: functions registered as request hooks, and functions those call
    hook_registrations: list[list] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    sentry_init: Optional[int] = None  # line of a `sentry_sdk.init(...)` keeping its default integrations
    imports_sentry: Optional[int] = None  # line of an `import sentry_sdk`
    # The file may hand work to a thread, pool or process, or sets up logging: the call
    # graph starts from such files (`callgraph.py`; computed when first needed).
    hops: bool = False
    logging_setup: bool = False
    entry_points: bool = False  # decorates a request or message handler
    program_roots: bool = False  # defines `main()`, `lifespan`, `create_app`, `setup_*`
    fixtures: bool = False  # may define a pytest fixture that runs around every test (`autouse=True`)
    graph: Optional[dict] = None

def _plain(value: Any) -> Any:
    """`value` as JSON-ready data: dataclasses (also inside lists and dicts) as dicts."""
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value

@dataclass
class ProjectFacts:
    opentelemetry: bool = False
    opentelemetry_where: Optional[str] = None
    instrumented: dict[str, list[Instrumentation]] = field(default_factory=dict)
    auto_instrumentation: Optional[str] = None  # where: "Dockerfile:9", "config"
    disabled: tuple[str, ...] = ()  # OTEL_PYTHON_DISABLED_INSTRUMENTATIONS values
    disabled_where: dict[str, str] = field(default_factory=dict)
    context_vars: dict[str, str] = field(default_factory=dict)
    context_wrappers: frozenset[str] = frozenset()
    span_factories: frozenset[str] = frozenset()
    injectors: frozenset[str] = frozenset()  # project functions/classes calling `inject`
    extractors: frozenset[str] = frozenset()  # ... calling `extract`
    server_extraction: Optional[str] = None  # where a request hook extracts by hand
    # Where the project sets up tracing for its own process: an instrumentor, middleware
    # or helper, auto-instrumentation, a module-level `trace.set_tracer_provider(...)`,
    # `instrumented = [...]` or `opentelemetry = true`. Without it the inventory says
    # nothing (a library, whose host application instruments it, or a service set up
    # where it is deployed) and CTX301-CTX304 stay silent.
    tracing_setup: Optional[str] = None
    # Where `sentry_sdk.init` keeps its default ThreadingIntegration, which forks Sentry's
    # scopes into threads and pool workers.
    sentry_threading: Optional[str] = None
    # Where the project uses Sentry: its scopes live in ContextVars, so a copied context
    # shares them with the caller (a fix must fork them).
    sentry: Optional[str] = None
    # What project functions need from the context, and the call graphs of the modules
    # the hops reach (to resolve a hop's work to a project function).
    flow: ContextFlow = field(default_factory=ContextFlow, compare=False, repr=False)
    # The directories below the root with a packaging file of their own (`pyproject.toml`,
    # `setup.py`): the distributions of a monorepo, each its own program; "" among them
    # when the root is a distribution too.
    distributions: tuple[str, ...] = ()
    used_libraries: tuple[str, ...] = ()  # informational (--verbose); rules never read it

    @property
    def is_service(self) -> bool:
        """The project registers request or message handlers of its own, or defines a
        framework's class-based view or handler."""
        return bool(self.flow.reached or self.flow.views)

    @property
    def contextless_service(self) -> bool:
        """A service that keeps no context of its own: it loses nothing by running a
        callable elsewhere, its callers' included."""
        return self.is_service and not self.carries_context

    @property
    def carries_context(self) -> bool:
        """The project keeps some context a hop could lose: ContextVars of its own, tracing,
        Sentry, or logging that reads the context."""
        return bool(
            self.context_vars or self.opentelemetry or self.tracing_setup or self.sentry_threading or self.flow.logging
        )

    def instrumentation(self, library: str, program: Optional[str] = None) -> Optional[Instrumentation]:
        """How `library` (an entry-point name) is instrumented for the whole process, if it
        is; with `program` (see `program_of`), for the process that runs that program."""
        if not library or library == inst.NO_INSTRUMENTATION:
            return None
        for record in self.instrumented.get(library, ()):
            if record.is_global and (program is None or record.kind != "global" or self._runs_in(record, program)):
                return record
        if self.auto_instrumentation and library not in self.disabled and "*" not in self.disabled:
            return Instrumentation(library, self.auto_instrumentation, kind="auto")
        return None

    def _runs_in(self, record: Instrumentation, program: str) -> bool:
        """Whether code set up at `record` runs in `program`'s process: it is in that
        distribution or one enclosing it (the root's, when the root is a distribution)."""
        setup = program_of(record.where.rpartition(":")[0], self.distributions)
        if setup == "":
            return program == "" or "" in self.distributions
        return program == setup or program.startswith(setup + "/")

    def object_instrumentations(self, library: str) -> list[Instrumentation]:
        """Per-object instrumentation of `library` (`instrument_app(app)`, `OpenTelemetryMiddleware(app)`)."""
        return [record for record in self.instrumented.get(library, ()) if record.kind == "object"]

    def instrumented_objects(self, library: str) -> set[str]:
        """Names of objects instrumented one by one (`instrument_app(app)` -> {"app"})."""
        return {name for record in self.object_instrumentations(library) for name in record.object_names()}

    def disabled_reason(self, library: str) -> Optional[str]:
        """Where auto-instrumentation of `library` is switched off, if it is."""
        if not self.auto_instrumentation:
            return None
        for name in (library, "*"):
            if name in self.disabled:
                return self.disabled_where.get(name, "config")
        return None

    def _partial(self, library: str) -> str:
        """Which objects of an otherwise uninstrumented library are instrumented."""
        kinds = [library, *bnd.MIDDLEWARE_FRAMEWORKS.get(library, ())]
        records = [r for kind in kinds for r in self.instrumented.get(kind, ()) if not r.is_global]
        parts = sorted({", ".join(r.objects) if r.kind == "object" else f"where built with {r.form}" for r in records})
        return "; ".join(parts)

    def fingerprint(self) -> str:
        """A hash of every fact a rule can read (the result cache is keyed by it)."""
        # field by field: `asdict(self)` would deep-copy the call graph held by `flow`
        skipped = ("used_libraries", "flow")
        data = {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name not in skipped}
        data["needs"] = {name: asdict(need) for name, need in sorted(self.flow.needs.items())}
        data["flow_symbols"] = self.flow.symbols()
        for name in ("context_wrappers", "span_factories", "injectors", "extractors"):
            data[name] = sorted(getattr(self, name))
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def describe(self) -> list[str]:
        """Lines for `--verbose`: why a rule did or did not fire."""
        if self.opentelemetry:
            lines = [f"opentelemetry: yes ({self.opentelemetry_where})"]
        else:
            lines = ["opentelemetry: no (CTX3xx rules are off)"]
        groups: dict[tuple, list[Instrumentation]] = {}
        for library in sorted(self.instrumented):
            if library == inst.WRAPPER_LIBRARY:
                continue
            for record in self.instrumented[library]:
                key = (library, record.kind, record.objects if record.kind == "object" else record.form)
                groups.setdefault(key, []).append(record)
        instrumented = [records[0].describe(len(records) - 1) for records in groups.values()]
        if self.auto_instrumentation:
            covered = [lib for lib in self.used_libraries if lib not in self.instrumented and self.instrumentation(lib)]
            instrumented.extend(f"{lib} (auto-instrumentation, {self.auto_instrumentation})" for lib in covered)
            if not covered:
                other = "every other library" if self.used_libraries else "every library"
                instrumented.append(f"{other} (auto-instrumentation, {self.auto_instrumentation})")
        lines.append("instrumented: " + (", ".join(instrumented) or "nothing"))
        if self.opentelemetry and self.tracing_setup is None:
            lines.append(
                "tracing set up: not in this project (a library, or a service set up where it is deployed):"
                " CTX301-CTX304 are off; `opentelemetry = true` turns them on"
            )
        missing = []
        for library in self.used_libraries:
            if self.instrumentation(library) is not None:
                continue
            if library == inst.NO_INSTRUMENTATION:
                missing.append(f"{library} (no instrumentation exists)")
            elif self.disabled_reason(library):
                missing.append(f"{library} (disabled in {self.disabled_reason(library)})")
            else:
                partial = self._partial(library)
                missing.append(f"{library} (only {partial})" if partial else library)
        lines.append("not instrumented: " + (", ".join(missing) or "nothing"))
        wrapped = self.instrumented.get(inst.WRAPPER_LIBRARY, [])
        if wrapped:
            shown = ", ".join(f"{', '.join(r.objects)} ({r.where})" for r in wrapped[:5])
            extra = f", +{len(wrapped) - 5} more" if len(wrapped) > 5 else ""
            lines.append(f"passed to tracing wrappers (treated as instrumented): {shown}{extra}")
        if self.injectors or self.extractors or self.server_extraction:
            parts = []
            if self.injectors:
                parts.append("inject in " + ", ".join(sorted(self.injectors)))
            if self.extractors:
                parts.append("extract in " + ", ".join(sorted(self.extractors)))
            if self.server_extraction:
                parts.append(f"a request handler extracts at {self.server_extraction}")
            lines.append("manual propagation: " + "; ".join(parts))
        lines.append(
            "context variables: "
            + (", ".join(f"{n} ({w})" for n, w in sorted(self.context_vars.items())) or "none")
        )
        lines.append("context wrappers: " + (", ".join(sorted(self.context_wrappers)) or "none"))
        flow = self.flow
        lines.append(
            f"context flow: {len(flow.modules)} modules read for the call graph, "
            f"{len(flow.needs)} functions need the context or call a callable of unknown origin, "
            f"{len(flow.reached)} reached from request or message handlers"
            + (f", {len(flow.views)} class-based views or handlers" if flow.views else "")
        )
        carriers = flow.copying_classes()
        if carriers:
            lines.append("context-propagating classes: " + ", ".join(carriers))
        lines.append("context-aware logging: " + (flow.logging[1] if flow.logging else "none"))
        if self.sentry:
            threading = f"ThreadingIntegration on ({self.sentry_threading})" if self.sentry_threading else "no ThreadingIntegration"
            lines.append(f"sentry: used ({self.sentry}), {threading}")
        lines.append("span factories: " + (", ".join(sorted(self.span_factories)) or "none"))
        return lines
