"""CTX301 uninstrumented-http-client."""

from __future__ import annotations

import libcst as cst

from ctxlint.analysis.syntax import (
    source,
)
from ctxlint.rules.ctx3.shared import BoundaryRule
from ctxlint.semantics import boundaries as sem


class UninstrumentedHttpClient(BoundaryRule):
    """## What it does
    Reports an outbound HTTP client construction (`requests.Session()`, `httpx.Client()`,
    `aiohttp.ClientSession()`, `urllib3.PoolManager()`, `http.client.HTTPConnection()`,
    `tornado.httpclient.AsyncHTTPClient()`) or module-level shortcut call (`requests.get`,
    `httpx.post`, `urllib.request.urlopen`, ...) when that library is not instrumented and
    the code does not inject the trace context into the headers it sends.

    ## Why is this bad?
    Without instrumentation no `traceparent` header is sent: the service you call starts
    a new trace, and the request cannot be followed across the two services. ctxlint
    knows what is instrumented from the project pass: instrumentor calls anywhere in the
    repository, per-client forms, and `opentelemetry-instrument` in launch files.
    """

    code = "CTX301"
    tracing_setup_only = True  # see `inventory_known`
    name = "uninstrumented-http-client"
    # 10 true positives in 89 findings on real code (benchmarks/PRECISION.md, third part)
    preview = True
    triggers = ("requests", "http", "urllib")
    example = """
    import requests
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    tracer = trace.get_tracer(__name__)

    def fetch_profile(user_id):
        with tracer.start_as_current_span("fetch-profile"):
            return requests.get(f"https://profiles/{user_id}", timeout=5).json()
    """
    use_instead = """
    import requests
    from opentelemetry import trace
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    RequestsInstrumentor().instrument()
    tracer = trace.get_tracer(__name__)

    def fetch_profile(user_id):
        with tracer.start_as_current_span("fetch-profile"):
            return requests.get(f"https://profiles/{user_id}", timeout=5).json()
    """
    known_limits = """
    Preview: on real code (benchmarks/PRECISION.md) 10 findings out of 89 were a boundary
    a trace had to cross, all in one service. The rule cannot tell a call to an internal
    service made while handling a traced request from a download, a health or readiness
    poll, a usage ping, a CLI command, test code or a call to a third-party API (OAuth
    provider, presigned storage URL, CDN) that no trace reaches or that cannot continue one.

    Only projects that set up tracing themselves are checked (an instrumentor, middleware,
    auto-instrumentation, a module-level `trace.set_tracer_provider(...)`, or
    `opentelemetry = true`): a library's clients are instrumented by the application that
    imports it. Reported once per client construction and per shortcut call, not per request made
    with a client. Per-object instrumentation (`HTTPXClientInstrumentor.instrument_client(c)`)
    is matched by the object's name; a client that leaves the function where it is built
    counts as instrumented when any client of that library is. Hand-written propagation
    counts when the same function (the class for `self.x = ...`, the module for a
    module-level client) calls `propagate.inject(carrier)` (or a project function that
    does) and uses the carrier afterwards; where the carrier goes is not followed.
    `FlaskInstrumentor`-style class replacement and import order are not checked.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        path = self.model.resolve(node.func)
        if path is None:
            return
        if path in sem.HTTP_CLIENTS:
            library, construction = sem.HTTP_CLIENTS[path], True
        elif path in sem.HTTP_SHORTCUTS:
            library, construction = sem.HTTP_SHORTCUTS[path], False
        else:
            return
        if self.instrumented([library]) is not None or self.propagates_itself(node, construction):
            return
        target, name, escapes = self.binding(node)
        if construction and library and self.object_covered([library], name, escapes):
            return
        if self.injects_by_hand(self.scope_node(target)):
            return
        if (
            construction
            and self._leaves_function(target, escapes)
            and self.injects_by_hand(self.model.module_scope.node, project_injectors=False)
        ):
            # a client built in a factory or `__init__` and used elsewhere in the module,
            # where each request's headers are injected (bentoml's SessionManager/RemoteProxy)
            return
        if construction:
            what = f"`{path}()` sends requests"
        else:
            what = f"`{path}` sends a request"
        written = source(target) if target is not None and construction else None
        if library:
            reason = (
                f"{self.not_instrumented(library)}; {self.advice(library, written, construction)},"
                f" or `propagate.inject(headers)` and send the headers"
            )
        else:
            reason = self.advice(library, written, construction)
        self.report(node, f"{what} without a `traceparent` header: {reason}")
