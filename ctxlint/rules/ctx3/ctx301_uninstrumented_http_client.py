"""CTX301 uninstrumented-http-client."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from ctxlint.analysis.contextflow import scope_qualname
from ctxlint.analysis.entrypoints import parent_context_reason
from ctxlint.analysis.syntax import (
    argument,
    attribute_name,
    keyword,
    positional,
    source,
)
from ctxlint.rules.ctx3.shared import BoundaryRule
from ctxlint.semantics import boundaries as sem


class UninstrumentedHttpClient(BoundaryRule):
    """## What it does
    Reports an outbound HTTP client construction (`requests.Session()`, `httpx.Client()`,
    `aiohttp.ClientSession()`, `urllib3.PoolManager()`, `http.client.HTTPConnection()`,
    `tornado.httpclient.AsyncHTTPClient()`, SDK clients built on httpx such as
    `openai.AsyncOpenAI()`) or module-level shortcut call (`requests.get`, `httpx.post`,
    `urllib.request.urlopen`, ...) used for traced work (in a request or message handler,
    an active span, or a function they call) when that library is not instrumented and the
    code does not inject the trace context into the headers it sends.

    ## Why is this bad?
    Without instrumentation no `traceparent` header is sent: the service you call starts
    a new trace, and the request cannot be followed across the two services. ctxlint
    knows what is instrumented from the project pass: instrumentor calls anywhere in the
    repository, per-client forms, and `opentelemetry-instrument` in launch files.
    """

    code = "CTX301"
    tracing_setup_only = True  # see `inventory_known`
    name = "uninstrumented-http-client"
    triggers = ("requests", "http", "urllib", "OpenAI", "Anthropic")
    # reports only clients and shortcuts resolved through an import of their library
    modules = tuple(sorted({*sem.HTTP_CLIENTS, *sem.HTTP_SDK_CLIENTS, *sem.HTTP_SHORTCUTS}))
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
    Only requests a trace reaches are reported: the client is built, or a request is sent
    with it, inside a request or message handler or an active span, or in a function of
    the same module called from one, or in a function the project's call graph reaches
    from a decorated request or task handler (SPEC §5). Downloads, health and readiness
    polls, usage pings, CLI commands and start-up probes run outside any handler and are
    not reported. Only clients of a service of the project's own are reported: a client
    configured with a base URL that is not a fixed public address
    (`base_url=settings.CATALOG_URL`, `base_url="http://catalog:8000"`), or a request to a
    private address (a single-label service name such as `http://inventory/...` or
    `http://agent-{id}/...`, `localhost`, an IP, `*.internal`, `*.svc.cluster.local`). A
    fixed public address (`https://api.github.com/...`, an SDK client's default host such as
    api.openai.com) is a third party, which cannot continue the trace; a one-off request
    to a URL known only at run time (`session.post(webhook.url)`, `urlopen(url)`) is a
    webhook, a download or a feed as often as a service call, and is not reported either.
    A client used only through a parameter or a container elsewhere is not followed.

    Only projects that set up tracing themselves are checked (an instrumentor, middleware,
    auto-instrumentation, a module-level `trace.set_tracer_provider(...)`, or
    `opentelemetry = true`), outside their tests: a library's clients are instrumented by
    the application that imports it. A file that imports another vendor's agent (instana,
    ddtrace, elasticapm, newrelic) is not checked: the agent instruments the clients.
    Reported once per client construction and per shortcut call, not per request made
    with a client. SDK clients that send through their own httpx client (openai,
    anthropic) count as httpx clients. Per-object instrumentation
    (`HTTPXClientInstrumentor.instrument_client(c)`) is matched by the object's name; a
    client that leaves the function where it is built counts as instrumented when any
    client of that library is. Hand-written propagation counts when the same function (the
    class for `self.x = ...`, the module for a module-level client) calls
    `propagate.inject(carrier)` (or a project function that does) and uses the carrier
    afterwards; where the carrier goes is not followed.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        # candidates: (construction or shortcut call, message, key of the client object,
        # where a request trace reaches it: a reason, or None when not known yet)
        # (call, (what, remedy), keys of the client object, why a trace reaches it, its function)
        self._candidates: list[tuple[cst.Call, tuple[str, str], list, Optional[str], Optional[tuple[str, str]]]] = []
        # keys: id(construction), or ("attribute", name) for a client kept as `self.<name>`
        self._reached_objects: dict[object, str] = {}  # key -> why a trace reaches it
        self._used_in: dict[object, set[tuple[str, str]]] = {}  # key -> functions that send with it
        self._called_from_parent: dict[str, str] = {}  # function name -> the caller with a parent
        self._urls: dict[object, list[Optional[cst.BaseExpression]]] = {}  # key -> URLs sent to

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        reason = self._parent_here()
        if reason is not None:
            called = attribute_name(node.func)
            if called is not None:
                self._called_from_parent.setdefault(called, reason)
        path = self.model.resolve(node.func)
        if path is None:
            self._note_use(node, reason)
            return
        candidate = self._candidate(node, path)
        if candidate is not None:
            message, construction = candidate
            function = self._function_key()
            keys: list = []
            if construction:
                keys.append(id(node))
                target = self.binding(node)[0]
                if _is_self_attribute(target):
                    keys.append(("attribute", target.attr.value))  # type: ignore[union-attr]
            self._candidates.append((node, message, keys, reason, function))
            return
        self._note_use(node, reason)

    def leave_Module(self, node: cst.Module) -> None:
        if self.vendor_agent_imported():
            return  # also imported inside a function, seen only now
        for call, message, keys, reason, function in self._candidates:
            if not self._service_peer(call, keys):
                continue
            why = reason
            for key in keys:
                why = why or self._reached_objects.get(key)
                for user in sorted(self._used_in.get(key, ())):
                    why = why or self._reached_function(user)
            if why is None and function is not None:
                why = self._reached_function(function)
            if why is not None:
                what, reason = message
                self.report(call, f"{what} for traced work ({why}) without a `traceparent` header: {reason}")

    # ------------------------------------------------------------ reach

    def _parent_here(self) -> Optional[str]:
        """Why the code being visited runs for a request or message (an entry point, an
        active span), or None."""
        return parent_context_reason(self.model, self.context.settings, self.context.path)

    def _note_use(self, node: cst.Call, reason: Optional[str]) -> None:
        """`client.get(...)`, `self._client.post(...)`, `sdk.chat.completions.create(...)`:
        a request sent with a client object built in this file."""
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        receiver = func.value
        while isinstance(receiver, cst.Attribute) and not _is_self_attribute(receiver):
            receiver = receiver.value
        binding = None
        if isinstance(receiver, cst.Name):
            binding = self.model.lookup(receiver.value)
        elif _is_self_attribute(receiver):
            binding = self.model.self_attribute_binding(receiver)
        if func.attr.value not in sem.HTTP_SEND_METHODS and not isinstance(func.value, cst.Attribute):
            return  # `client.close()`, `session.headers.update(...)`: no request sent
        key: object
        if isinstance(func.value, cst.Call):
            key = id(func.value)  # `urllib3.PoolManager().request(...)`
        elif binding is not None and isinstance(binding.node, cst.Call):
            key = id(binding.node)
        elif isinstance(func.value, cst.Attribute) and func.attr.value in sem.HTTP_SEND_METHODS:
            # `self.sessions.pool.post(...)`: a client another class of the module keeps as `self.pool`
            key = ("attribute", func.value.attr.value)
        else:
            return
        self._urls.setdefault(key, []).append(_url_argument(node))
        if reason is not None:
            self._reached_objects.setdefault(key, f"used in {reason}")
        function = self._function_key()
        if function is not None:
            self._used_in.setdefault(key, set()).add(function)

    def _function_key(self) -> Optional[tuple[str, str]]:
        """(name, project-wide id) of the enclosing `def`."""
        function = self.model.def_function
        if function is None:
            return None
        module = self.context.facts.flow.module(self.context.relative_path)
        return function.name, f"{module.name}.{scope_qualname(function)}"

    def _reached_function(self, function: tuple[str, str]) -> Optional[str]:
        """Why the function runs for a request: called from an entry point or span of this
        module, or reached from a request handler of the project (the call graph)."""
        name, function_id = function
        caller = self._called_from_parent.get(name)
        if caller is not None:
            return f"`{name}` is called in {caller}"
        entry = self.context.facts.flow.reached.get(function_id)
        if entry is not None:
            return f"`{name}` is reached from {entry}"
        return None

    def _service_peer(self, call: cst.Call, keys: list) -> bool:
        """Whether the requests go to a service of the project's own: a client configured
        with a base URL that is not a fixed public address (`base_url=settings.CATALOG_URL`,
        `base_url="http://catalog:8000"`), or a request to a private address
        (`http://inventory/...`, `http://agent-{id}/...`, `localhost`, `*.internal`, an IP).
        A fixed public address (`https://api.github.com`, an SDK's default host) is a third
        party, which cannot continue a trace; a one-off request to a URL known only at run
        time is a webhook, a download or a feed as often as a service call."""
        path = self.model.resolve(call.func) or ""
        base = keyword(call, "base_url")
        if base is not None:
            kind = _address_kind(self._texts(base.value))
            return kind != "public"  # a literal private base, or one set from configuration
        if path in sem.SDK_DEFAULT_HOSTS:
            return False  # `OpenAI()`: api.openai.com
        if path in sem.HOST_ARGUMENT_CLIENTS:
            host = argument(call, "host", 0)
            texts = [f"http://{text}" for text in self._texts(host.value)] if host is not None else []
            return _address_kind(texts) == "private"
        if not keys:
            urls: list[Optional[cst.BaseExpression]] = [_url_argument(call)]
        else:
            urls = [url for key in keys for url in self._urls.get(key, [])]
        return any(url is not None and _address_kind(self._texts(url)) == "private" for url in urls)

    def _texts(self, node: cst.BaseExpression, depth: int = 0) -> list[str]:
        """The literal text prefixes an expression may evaluate to ([] when unknown)."""
        if depth > 4:
            return []
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return [value] if isinstance(value, str) else []
        if isinstance(node, cst.ConcatenatedString):
            return self._texts(node.left, depth + 1)
        if isinstance(node, cst.IfExp):
            body, orelse = self._texts(node.body, depth + 1), self._texts(node.orelse, depth + 1)
            return body + orelse if body and orelse else []
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._texts(node.left, depth + 1)  # `BASE + "/path"`
        if isinstance(node, cst.Call) and (self.model.resolve(node.func) or "") in sem.REQUEST_OBJECTS:
            url = argument(node, "url", 0)  # `urlopen(Request(url, ...))`
            return self._texts(url.value, depth + 1) if url is not None else []
        if isinstance(node, cst.FormattedString):
            first = node.parts[0] if node.parts else None
            if isinstance(first, cst.FormattedStringText):
                return [first.value]
            if isinstance(first, cst.FormattedStringExpression):
                return self._texts(first.expression, depth + 1)
            return []
        if isinstance(node, (cst.Name, cst.Attribute)):
            binding = (
                self.model.lookup(node.value) if isinstance(node, cst.Name)
                else self.model.self_attribute_binding(node) if _is_self_attribute(node) else None
            )
            if binding is not None and isinstance(binding.node, cst.Param):
                return []
            value = binding.node if binding is not None else None
            if isinstance(value, cst.BaseExpression) and value is not node:
                return self._texts(value, depth + 1)
            return []
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name):
            binding = self.model.lookup(node.value.value)
            table = binding.node if binding is not None else None
            if isinstance(table, cst.Dict) and table.elements:
                texts = []
                for element in table.elements:
                    if not isinstance(element, cst.DictElement):
                        return []
                    found = self._texts(element.value, depth + 1)
                    if not found:
                        return []
                    texts.extend(found)
                return texts
        return []

    # ------------------------------------------------------------ the client

    def _candidate(self, node: cst.Call, path: str) -> Optional[tuple[tuple[str, str], bool]]:
        """(message, whether it builds a client) for an uninstrumented client construction or
        shortcut call, else None."""
        sdk = path in sem.HTTP_SDK_CLIENTS
        if path in sem.HTTP_CLIENTS:
            library, covering, construction = sem.HTTP_CLIENTS[path], (sem.HTTP_CLIENTS[path],), True
        elif sdk:
            covering = sem.HTTP_SDK_CLIENTS[path]
            library, construction = covering[0], True
        elif path in sem.HTTP_SHORTCUTS:
            library, covering, construction = sem.HTTP_SHORTCUTS[path], (sem.HTTP_SHORTCUTS[path],), False
        else:
            return None
        if self.instrumented(covering) is not None or self.propagates_itself(node, construction):
            return None
        target, name, escapes = self.binding(node)
        if construction and library and self.object_covered(covering, name, escapes):
            return None
        if self.injects_by_hand(self.scope_node(target)):
            return None
        if (
            construction
            and self._leaves_function(target, escapes)
            and self.injects_by_hand(self.model.module_scope.node, project_injectors=False)
        ):
            # a client built in a factory or `__init__` and used elsewhere in the module,
            # where each request's headers are injected (bentoml's SessionManager/RemoteProxy)
            return None
        if sdk:
            what = f"`{path}()` sends requests through its own httpx client"
        elif construction:
            what = f"`{path}()` sends requests"
        else:
            what = f"`{path}` sends a request"
        written = source(target) if target is not None and construction else None
        if sdk:
            reason = (
                f"{self.not_instrumented(library)}; {self.advice(library, written, per_object=False)}, or pass "
                f"`http_client=` an httpx client built with `transport=AsyncOpenTelemetryTransport(...)`"
            )
        elif library:
            reason = (
                f"{self.not_instrumented(library)}; {self.advice(library, written, construction)},"
                f" or `propagate.inject(headers)` and send the headers"
            )
        else:
            reason = self.advice(library, written, construction)
        return (what, reason), construction


def _url_argument(call: cst.Call) -> Optional[cst.BaseExpression]:
    """The URL a request call sends to: `get(url)`, `request(method, url)`, `url=`."""
    given = keyword(call, "url")
    if given is None:
        method = attribute_name(call.func)
        given = positional(call, 1 if method in ("request", "stream") else 0)
    if given is None or given.star:
        return None
    return given.value


def _address_kind(texts: list[str]) -> str:
    """"public" when every text is an absolute URL on a public host, "private" when one is
    on a private host (a single-label service name, `localhost`, an IP, a private suffix,
    or a host computed after a single-label literal prefix: `http://agent-{id}/`), else
    "unknown" (relative, computed, or not known)."""
    kinds = set()
    for text in texts:
        if not text.startswith(("http://", "https://")):
            return "unknown"
        authority = text.split("//", 1)[1].split("/", 1)[0]
        host = authority.rsplit("@", 1)[-1].split(":", 1)[0].lower()
        if not host:
            return "unknown"  # `f"https://{host}/..."`: computed
        labels = host.split(".")
        if (
            len(labels) == 1
            or host == "localhost"
            or host.endswith(sem.PRIVATE_HOST_SUFFIXES)
            or all(label.isdigit() for label in labels if label)
        ):
            kinds.add("private")
        elif labels[-1].isalpha():
            kinds.add("public")
        else:
            return "unknown"
    if "private" in kinds:
        return "private"
    return "public" if kinds else "unknown"


def _is_self_attribute(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls")
