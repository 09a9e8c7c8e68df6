"""CTX302 uninstrumented-server."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.syntax import (
    keyword,
    source,
)
from ctxlint.rules.ctx3.shared import BoundaryRule
from ctxlint.semantics import boundaries as sem


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
    # 0 true positives in 3 findings on real code (benchmarks/PRECISION.md, third part)
    preview = True
    triggers = ("Flask", "FastAPI", "Starlette", "Application", "application", "falcon", "server")
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
    Preview: on real code (benchmarks/PRECISION.md) the findings were auxiliary
    servers no traced caller reaches (a health-check server, a local login callback) and
    a FastAPI app traced natively. FastAPI 0.142+ extracts the incoming `traceparent`
    itself once a global `TracerProvider` is set; `FastAPI(telemetry=...)` is recognised,
    but a plain `FastAPI()` is reported because the installed version is not known.

    Only projects that set up tracing themselves are checked (see CTX301).
    `instrument_app(app)`, `OpenTelemetryMiddleware(app)` and an app handed to a
    tracing-named helper (`setup_tracing(app)`) or to another tracing library (OpenCensus
    `FlaskMiddleware(app)`) are matched by the app's name anywhere in the project. Code
    that extracts the incoming context itself (a route handler, a `before_request` hook,
    a middleware's `__call__`/`dispatch`, a gRPC servicer or interceptor) silences the
    rule for the whole project. The global `FlaskInstrumentor().instrument()` only affects
    apps created after it runs; that order is not checked.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        path = self.model.resolve(node.func)
        library = sem.SERVERS.get(path or "")
        if library is None:
            return
        facts = self.context.facts
        if self.instrumented([library]) is not None or facts.server_extraction is not None:
            return
        if self.propagates_itself(node) or _traces_natively(node, library):
            return
        target, name, escapes = self.binding(node)
        libraries = [library, *sem.MIDDLEWARE_FRAMEWORKS.get(library, ())]
        if self.object_covered(libraries, name, escapes):
            return
        written = source(target) if target is not None else None
        self.report(
            node,
            f"`{path}()` creates an application that ignores incoming `traceparent` headers: "
            f"{self.not_instrumented(library)}; {self.advice(library, written)}",
        )

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
