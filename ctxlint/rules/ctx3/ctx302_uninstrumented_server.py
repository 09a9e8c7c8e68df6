"""CTX302 uninstrumented-server."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.syntax import keyword, source
from ctxlint.rules.ctx3.shared import BoundaryRule
from ctxlint.semantics import boundaries as sem
from ctxlint.semantics import instrumentation as inst


class UninstrumentedServer(BoundaryRule):
    """## What it does
    Reports the creation of a server application (`Flask(...)`, `FastAPI(...)`,
    `Starlette(...)`, `aiohttp.web.Application(...)`, `falcon.App(...)`,
    `tornado.web.Application(...)`, `grpc.server(...)`, `grpc.aio.server(...)`, Django's
    `get_wsgi_application()`/`get_asgi_application()`) when the framework is not
    instrumented: no instrumentor, no `OpenTelemetryMiddleware` around the app, no gRPC
    server interceptor, no auto-instrumentation.

    ## Why is this bad?
    An uninstrumented server ignores the `traceparent` header of incoming requests: every
    request starts a new trace, disconnected from the caller's, and spans created in the
    handlers have no parent.
    """

    code = "CTX302"
    tracing_setup_only = True  # see `inventory_known`
    name = "uninstrumented-server"
    triggers = ("Flask", "FastAPI", "Starlette", "Application", "application", "falcon", "server")
    modules = tuple(sorted(sem.SERVERS))  # it reports only constructions resolved to these
    example = """
    from flask import Flask
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    app = Flask(__name__)
    """
    use_instead = """
    from flask import Flask
    from opentelemetry import trace
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    app = Flask(__name__)
    FlaskInstrumentor().instrument_app(app)
    """
    known_limits = """
    A project that instruments a framework's applications one by one
    (`instrument_app(app)`, a gRPC server given `interceptors=[server_interceptor()]`)
    chose which ones to trace: another application of that framework is taken as an
    auxiliary server no traced caller reaches (a health check, a login callback, an admin
    port, a test app) and is not reported. FastAPI 0.142+ extracts the incoming
    `traceparent` itself once a global `TracerProvider` is set; `FastAPI(telemetry=...)` is
    recognised, but a plain `FastAPI()` is reported because the installed version is not
    known.

    Only projects that set up tracing themselves are checked (see CTX301).
    `instrument_app(app)`, `OpenTelemetryMiddleware(app)` and an app handed to a
    tracing-named helper (`setup_tracing(app)`) or to another tracing library (OpenCensus
    `FlaskMiddleware(app)`) are matched by the app's name anywhere in the project. Code
    that extracts the incoming context itself (a route handler, a `before_request` hook,
    a middleware's `__call__`/`dispatch`, a gRPC servicer or interceptor) silences the
    rule for the whole project. The global `FlaskInstrumentor().instrument()` (and the
    FastAPI, Starlette, Falcon and aiohttp ones) replaces the framework's class: an app
    built from a class imported by name (`from fastapi import FastAPI`) before that call
    ran is not instrumented. This is reported when the module that builds the app calls
    the instrumentor, or a function of the module that calls it, at module level after
    importing the class; an instrumenting module imported before the class is taken to
    have run in time.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        path = self.model.resolve(node.func)
        library = sem.SERVERS.get(path or "")
        if library is None:
            return
        facts = self.context.facts
        target, name, escapes = self.binding(node)
        written = source(target) if target is not None else None
        libraries = [library, *sem.MIDDLEWARE_FRAMEWORKS.get(library, ())]
        if self.object_covered(libraries, name, escapes) or _traces_natively(node, library):
            return
        replaced = self._class_bound_before_instrument(node, path or "", library)
        if replaced is not None:
            self.report(
                node,
                f"`{source(node.func)}` was imported before {replaced} replaced `{path}`: this application is "
                f"built from the original class and ignores incoming `traceparent` headers; "
                f"{self.advice(library, written)}, or import the framework after instrumenting",
            )
            return
        if self.instrumented([library]) is not None or facts.server_extraction is not None:
            return
        if self.propagates_itself(node):
            return
        if any(record.kind in ("object", "construction") for record in facts.instrumented.get(library, ())):
            # the project instruments this framework's applications one by one
            # (`instrument_app(app)`, `interceptors=[server_interceptor()]`): one left out is
            # an auxiliary server (health check, login callback, admin port, a test app)
            return
        self.report(
            node,
            f"`{path}()` creates an application that ignores incoming `traceparent` headers: "
            f"{self.not_instrumented(library)}; {self.advice(library, written)}",
        )

    def _class_bound_before_instrument(self, node: cst.Call, path: str, library: str) -> Optional[str]:
        """`from fastapi import FastAPI` at module level, then (in the same module, at module
        level) `FastAPIInstrumentor().instrument()` or a call of a function imported from the
        module that calls it: the name still holds the original class."""
        facts = self.context.facts
        if path not in inst.CLASS_REPLACING.get(library, ()) or facts.auto_instrumentation:
            return None
        if not isinstance(node.func, cst.Name):
            return None
        binding = self.model.module_scope.bindings.get(node.func.value)
        if binding is None or not isinstance(binding.node, cst.ImportAlias):
            return None
        if self.model.lookup(node.func.value) is not binding:
            return None
        records = [r for r in facts.instrumented.get(library, ()) if r.kind == "global"]
        if not records:
            return None
        cls = inst.INSTRUMENTOR_OF.get(library, "Instrumentor")
        modules = {_module_of(record.where): record for record in records}
        order = _import_order(self.model.module_scope.node)
        bound_at = order.get(node.func.value)
        if bound_at is None or any(
            position < bound_at for module in modules for imported, position in order.items() if _same_module(imported, module)
        ):
            return None  # the instrumenting module is imported first: it may replace the class in time
        for statement in _module_calls(self.model.module_scope.node):
            called = self.model.resolve(statement.func) or ""
            if called.endswith(f"{cls}().instrument"):
                return f"`{cls}().instrument()`"
            head = called.rsplit(".", 1)[0] if "." in called else ""
            for module, record in modules.items():
                if head and _same_module(head, module):
                    return f"`{cls}().instrument()` ({record.where}, run by `{source(statement)}`)"
        return None


def _module_of(where: str) -> str:
    """"app/telemetry.py:8" -> "app.telemetry"."""
    path = where.rsplit(":", 1)[0]
    if path.endswith(".py"):
        path = path[:-3]
    if path.endswith("/__init__"):
        path = path[: -len("/__init__")]
    return path.replace("/", ".")


def _same_module(imported: str, module: str) -> bool:
    """An import path (maybe relative) and a project module's dotted path name the same module."""
    imported = imported.lstrip(".")
    return bool(imported) and (imported == module or module.endswith("." + imported) or imported.endswith("." + module))


def _import_order(module: cst.Module) -> dict[str, int]:
    """Top-level imports: each imported module path and each imported name -> statement position."""
    from ctxlint.analysis.model import dotted_name

    order: dict[str, int] = {}
    for position, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    order.setdefault(dotted_name(alias.name) or "", position)
            elif isinstance(small, cst.ImportFrom):
                base = "." * len(small.relative) + (dotted_name(small.module) or "" if small.module else "")
                order.setdefault(base, position)
                if not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        local = alias.asname.name if alias.asname is not None else alias.name
                        if isinstance(local, cst.Name):
                            order.setdefault(local.value, position)
                        order.setdefault(f"{base}.{dotted_name(alias.name)}".lstrip("."), position)
    return order


def _module_calls(module: cst.Module) -> list[cst.Call]:
    """Calls made by module-level statements (`configure_tracing()`, `x = setup()`)."""
    calls = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            value = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
            if isinstance(value, cst.Call):
                calls.append(value)
                if isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Call):
                    calls.append(value.func.value)
    return calls


def _traces_natively(node: cst.Call, library: str) -> bool:
    """`FastAPI(telemetry=config)`: the framework's own tracing is configured, and on
    unless the config is a literal saying `"tracing": False`."""
    if library not in sem.NATIVE_TELEMETRY:
        return False
    name, switch = sem.NATIVE_TELEMETRY[library]
    config = keyword(node, name)
    if config is None:
        return False
    if isinstance(config.value, cst.Dict):
        for element in config.value.elements:
            if (
                isinstance(element, cst.DictElement)
                and isinstance(element.key, cst.SimpleString)
                and element.key.evaluated_value == switch
            ):
                return not (isinstance(element.value, cst.Name) and element.value.value == "False")
    return True  # a non-literal config, or one that keeps the default (tracing on)
