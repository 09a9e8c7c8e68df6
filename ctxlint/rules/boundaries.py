"""CTX3xx: uninstrumented boundaries, where a trace cannot leave or enter the process.

Every rule here runs only in OpenTelemetry projects and reads the project facts
(`ctxlint.project`): which libraries are instrumented globally, per object, or by
auto-instrumentation, and which project functions propagate by hand.
"""

from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ctxlint.entrypoints import handler_names
from ctxlint.project import Instrumentation
from ctxlint.rules.base import Rule
from ctxlint.semantics import boundaries as sem
from ctxlint.semantics.instrumentation import WRAPPER_LIBRARY, WRAPPER_WORDS
from ctxlint.semantics.otel import SPAN_STARTERS
from ctxlint.syntax import argument, attribute_name, keyword, positional, source
from ctxlint.walker import iter_descendants

_MEMO_KEY = "ctxlint.boundaries"


def _root_name(node: cst.CSTNode) -> Optional[str]:
    """`a` for `a.b.c` / `a[0].b`, else None."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


class _BoundaryRule(Rule):
    """Shared by the CTX3xx rules: instrumentation verdicts, objects and hand-written propagation."""

    opentelemetry_only = True

    # ------------------------------------------------------------ instrumentation

    @property
    def inventory_known(self) -> bool:
        """Whether the project sets up instrumentation itself. Only then does a library
        missing from the inventory mean an uninstrumented boundary: a library's clients
        and servers are instrumented by the application that imports it, and a service
        that instruments nothing in its repository is instrumented where it is deployed."""
        return self.context.facts.tracing_setup is not None

    def instrumented(self, libraries: Iterable[str]) -> Optional[Instrumentation]:
        for library in libraries:
            record = self.context.facts.instrumentation(library)
            if record is not None:
                return record
        return None

    def not_instrumented(self, library: str) -> str:
        """Why `library` is not instrumented, for messages."""
        disabled = self.context.facts.disabled_reason(library)
        if disabled is not None:
            where = disabled.rsplit(":", 1)[0]  # the file; messages carry no line numbers
            return f"{library} auto-instrumentation is disabled by OTEL_PYTHON_DISABLED_INSTRUMENTATIONS in {where}"
        return f"{library} is not instrumented"

    @staticmethod
    def advice(library: str, name: Optional[str], per_object: bool = True) -> str:
        """The remedy for `library`; with `per_object`, also the form that instruments
        only the object named `name`."""
        name = name or sem.DEFAULT_OBJECT_NAME.get(library, "app")
        text = sem.ADVICE[library].format(name=name)
        if per_object and library in sem.OBJECT_ADVICE:
            text += " or " + sem.OBJECT_ADVICE[library].format(name=name)
        return text

    def object_covered(self, libraries: Iterable[str], name: Optional[str], escapes: bool) -> bool:
        """Whether per-object instrumentation may cover the object bound to `name`.

        Objects are followed by name only: an object instrumented under the same name
        anywhere in the project counts (also when handed to a tracing-named wrapper such
        as `setup_tracing(app)`), and so does any object of that library when this one
        leaves its function unnamed (returned, passed on) and may be instrumented by
        whoever receives it.
        """
        facts = self.context.facts
        records = [r for library in libraries for r in facts.object_instrumentations(library)]
        if records and (name is None or escapes):
            return True
        wrapped = facts.object_instrumentations(WRAPPER_LIBRARY)  # matched by name only
        return name is not None and any(name in r.object_names() for r in [*records, *wrapped])

    # ------------------------------------------------------------ the object a call builds

    def binding(self, node: cst.Call) -> tuple[Optional[cst.CSTNode], Optional[str], bool]:
        """(target the call's value is bound to, its name, whether the value leaves the
        function: returned or passed on)."""
        parent = self.model.parent
        target = None
        if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is node:
            target = parent.target
        elif isinstance(parent, cst.WithItem) and parent.item is node and parent.asname is not None:
            target = parent.asname.name
        if target is None:
            return None, None, isinstance(parent, (cst.Return, cst.Arg, cst.Yield))
        name = attribute_name(target)
        escapes = isinstance(target, cst.Name) and self._returned(target.value)
        return target, name, escapes

    def _leaves_function(self, target: Optional[cst.CSTNode], escapes: bool) -> bool:
        """The object outlives the function that builds it: returned, passed on, or stored
        on an object or at module level."""
        if escapes or self.model.def_function is None:
            return True
        if target is None:
            return isinstance(self.model.parent, (cst.Return, cst.Arg, cst.Yield))
        return not isinstance(target, cst.Name)

    def _returned(self, name: str) -> bool:
        function = self.model.def_function
        if function is None:
            return False
        for node in iter_descendants(function.node):
            if isinstance(node, cst.Return) and isinstance(node.value, cst.Name) and node.value.value == name:
                return True
        return False

    def propagates_itself(self, node: cst.Call, construction: bool = True) -> bool:
        """The call is built with OpenTelemetry or project propagation in its arguments
        (`transport=SyncOpenTelemetryTransport(...)`, `trace_configs=[create_trace_config()]`,
        `interceptors=[server_interceptor()]`, `headers=trace_headers()`), or is wrapped by
        an OpenTelemetry call (`OpenTelemetryMiddleware(Flask(...))`)."""
        helpers = self.context.facts.injectors | self.context.facts.extractors
        for arg in node.args:
            if self._mentions_propagation(arg.value, helpers, depth=0):
                return True
        if not construction:
            return False
        for ancestor in reversed(self.model.ancestors[:-1]):
            if isinstance(ancestor, cst.Call):
                resolved = self.model.resolve(ancestor.func) or ""
                called = attribute_name(ancestor.func) or ""
                if resolved.startswith("opentelemetry.") or any(word in called.lower() for word in WRAPPER_WORDS):
                    return True
                if called in self.context.facts.injectors and not self._library_call(ancestor):
                    return True  # handed to a project class or function that injects
            elif not isinstance(ancestor, (cst.Arg, cst.List, cst.Tuple, cst.Element, cst.Await)):
                break
        return False

    def _mentions_propagation(self, expression: cst.CSTNode, helpers: frozenset, depth: int) -> bool:
        for node in (expression, *iter_descendants(expression)):
            if not isinstance(node, (cst.Name, cst.Attribute)):
                continue
            if attribute_name(node) in helpers:
                return True
            resolved = self.model.resolve(node) or ""
            if resolved.startswith("opentelemetry."):
                return True
            if isinstance(node, cst.Name) and depth < 2:
                binding = self.model.lookup(node.value)
                value = binding.node if binding is not None else None
                if (
                    isinstance(value, cst.BaseExpression)
                    and value is not expression
                    and self._mentions_propagation(value, helpers, depth + 1)
                ):
                    return True
        return False

    # ------------------------------------------------------------ hand-written propagation

    def scope_node(self, target: Optional[cst.CSTNode] = None) -> cst.CSTNode:
        """Where to look for `inject`: the class for `self.x = ...`, else the enclosing
        function, else the module."""
        if isinstance(target, cst.Attribute) and _root_name(target) in ("self", "cls"):
            scope = self.model.scope
            while scope is not None and scope.kind != "class":
                scope = scope.parent
            if scope is not None:
                return scope.node
        function = self.model.def_function
        return function.node if function is not None else self.model.module_scope.node

    def injects_by_hand(self, scope: cst.CSTNode, project_injectors: bool = True) -> bool:
        """The scope calls `inject(carrier)` (or, with `project_injectors`, a project
        injector) and passes the carrier to another call, or sends the result of an
        injector call."""
        memo = self.context.memo.setdefault(f"{_MEMO_KEY}.inject.{project_injectors}", {})
        if id(scope) not in memo:
            names = {sem.INJECT} | (set(self.context.facts.injectors) if project_injectors else set())
            memo[id(scope)] = _propagation_passed(scope, names, self._library_call)
        return memo[id(scope)]

    def _library_call(self, node: cst.Call) -> bool:
        """A call into a boundary library (`httpx.AsyncClient(...)`), never a project
        injector or extractor of the same last name (bentoml's own `AsyncClient` class)."""
        path = self.model.resolve(node.func) or ""
        return path.split(".", 1)[0] in sem.BOUNDARY_PACKAGES

    def extracts_by_hand(self, scope: cst.CSTNode) -> bool:
        """The scope calls `extract`/`attach` (or a project extractor)."""
        memo = self.context.memo.setdefault(_MEMO_KEY + ".extract", {})
        if id(scope) not in memo:
            names = {sem.EXTRACT, sem.ATTACH} | set(self.context.facts.extractors)
            memo[id(scope)] = any(
                isinstance(n, cst.Call) and attribute_name(n.func) in names and not self._library_call(n)
                for n in iter_descendants(scope)
            )
        return memo[id(scope)]


def _propagation_passed(scope: cst.CSTNode, injectors: set[str], library_call) -> bool:
    """A carrier filled by `inject(carrier)` (or returned by a project injector) is used
    afterwards: sent, turned into message headers, merged into a session's headers. An
    injector call whose result is used directly counts too. `library_call(node)` tells a
    boundary library's call from a project injector with the same name."""
    carriers: set[str] = set()
    occurrences: dict[str, int] = {}
    not_uses: dict[str, int] = {}  # the stores and the inject arguments themselves
    statements: set[int] = set()  # calls that are bare expression statements
    for node in iter_descendants(scope):
        if isinstance(node, cst.Expr):
            statements.add(id(node.value))
        elif isinstance(node, cst.Name):
            occurrences[node.value] = occurrences.get(node.value, 0) + 1
        elif isinstance(node, (cst.AssignTarget, cst.AnnAssign)) and isinstance(node.target, cst.Name):
            not_uses[node.target.value] = not_uses.get(node.target.value, 0) + 1
        elif isinstance(node, cst.Call) and attribute_name(node.func) in injectors and not library_call(node):
            carrier = positional(node, 0) or keyword(node, "carrier")
            if carrier is None:
                if id(node) not in statements:
                    return True  # `headers=trace_headers()`, `carrier = trace_headers()`
                continue
            root = _root_name(carrier.value)
            if root is None:
                if isinstance(carrier.value, (cst.Dict, cst.List)):
                    continue  # `inject({})`: the carrier is thrown away
                return True  # `inject(build_request().headers)`: sent with that object
            if root in ("self", "cls"):
                return True  # an attribute of the object that sends it
            carriers.add(root)
            if isinstance(carrier.value, cst.Name):
                not_uses[root] = not_uses.get(root, 0) + 1
    return any(occurrences.get(name, 0) > not_uses.get(name, 0) for name in carriers)


# ---------------------------------------------------------------------------- CTX301


class UninstrumentedHttpClient(_BoundaryRule):
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


# ---------------------------------------------------------------------------- CTX302


class UninstrumentedServer(_BoundaryRule):
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


# ---------------------------------------------------------------------------- messaging


class _MessagingRule(_BoundaryRule):
    def producer_library(self, node: cst.Call) -> Optional[tuple[str, tuple[str, ...]]]:
        """(library named in messages, libraries whose instrumentation covers it) of a publish call."""
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        receiver = self.model.resolve(func.value) or ""
        spec = sem.PRODUCERS.get(receiver)
        if spec is not None and method in spec[1]:
            return spec[0], (spec[0],)
        if receiver.startswith(sem.AIO_PIKA_PREFIX) and method in sem.AIO_PIKA_PUBLISH:
            return "aio-pika", ("aio-pika",)
        if receiver.startswith("boto3."):
            service = self.boto3_service(func.value)
            messaging = sem.AWS_MESSAGING.get(service or "")
            if messaging is not None and method in messaging[0]:
                return messaging[2][0], messaging[2]
        return None

    def boto3_service(self, node: cst.CSTNode, depth: int = 0) -> Optional[str]:
        """The service name of the boto3 client/resource an expression comes from."""
        if depth > 6:
            return None
        if isinstance(node, cst.Await):
            return self.boto3_service(node.expression, depth + 1)
        if isinstance(node, cst.Call):
            if (self.model.resolve(node.func) or "") in sem.BOTO3_FACTORIES:
                arg = argument(node, "service_name", 0)
                if arg is not None and isinstance(arg.value, cst.SimpleString):
                    value = arg.value.evaluated_value
                    return value if isinstance(value, str) else None
                return None
            return self.boto3_service(node.func, depth + 1)
        if isinstance(node, cst.Attribute):
            binding = self.model.self_attribute_binding(node)
            if binding is not None and binding.node is not None:
                return self.boto3_service(binding.node, depth + 1)
            return self.boto3_service(node.value, depth + 1)
        if isinstance(node, cst.Name):
            binding = self.model.lookup(node.value)
            if binding is not None and isinstance(binding.node, cst.BaseExpression):
                return self.boto3_service(binding.node, depth + 1)
        return None


class ProducerWithoutInject(_MessagingRule):
    """## What it does
    Reports a message publish (kafka-python `send`, confluent-kafka `produce`, aiokafka
    `send`/`send_and_wait`, pika `basic_publish`, aio-pika `publish`, boto3 SQS
    `send_message(_batch)`, SNS `publish`) when the library is not instrumented and the
    code does not `propagate.inject(...)` into the headers or attributes it sends.

    ## Why is this bad?
    A message carries the trace only in its headers. Without instrumentation or a manual
    `inject`, the consumer cannot continue the producer's trace: the work done for one
    request shows up as unrelated traces.
    """

    code = "CTX303"
    tracing_setup_only = True  # see `inventory_known`
    name = "producer-without-inject"
    triggers = ("send", "produce", "publish")
    example = """
    from kafka import KafkaProducer
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    producer = KafkaProducer(bootstrap_servers="kafka:9092")

    def order_placed(order):
        producer.send("orders", order.to_bytes())
    """
    use_instead = """
    from kafka import KafkaProducer
    from opentelemetry import propagate, trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    producer = KafkaProducer(bootstrap_servers="kafka:9092")

    def order_placed(order):
        carrier = {}
        propagate.inject(carrier)
        headers = [(key, value.encode()) for key, value in carrier.items()]
        producer.send("orders", order.to_bytes(), headers=headers)
    """
    known_limits = """
    Only projects that set up tracing themselves are checked (an instrumentor, middleware,
    auto-instrumentation, a module-level `trace.set_tracer_provider(...)`, or
    `opentelemetry = true`): a messaging library's or framework's own producers are
    instrumented by the application that uses it. Only producers whose type is known are checked: built in the same file, bound to
    `self.` in the class, or annotated. A boto3 client counts only when its service name
    (`boto3.client("sqs")`) is a literal. Hand-written propagation counts when the same
    function calls `inject(carrier)` (or a project function that does) and uses the
    carrier afterwards.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        found = self.producer_library(node)
        if found is None:
            return
        library, libraries = found
        if self.instrumented(libraries) is not None or self.propagates_itself(node, construction=False):
            return
        if _forwards_headers(node, self.model):
            return
        assert isinstance(node.func, cst.Attribute)
        receiver = attribute_name(node.func.value)
        if self.object_covered(libraries, receiver, escapes=False):
            return
        if self.injects_by_hand(self.scope_node()):
            return
        self.report(
            node,
            f"`{source(node.func)}` publishes without the trace context: {self.not_instrumented(library)}; "
            f"{self.advice(library, source(node.func.value))}, or `propagate.inject(headers)` into the message headers",
        )


def _forwards_headers(node: cst.Call, model) -> bool:
    """`produce(topic, value, headers=msg.headers())`: the headers of another message (a
    received one, replayed or relayed) are sent on, and its trace context with them; so
    are headers the function was given (a pika callback's `properties`, a wrapper's
    `headers` parameter: the caller decides what they carry)."""
    for name in sem.HEADER_KEYWORDS:
        arg = keyword(node, name)
        value = arg.value if arg is not None else None
        if isinstance(value, cst.Call) and not value.args:
            value = value.func  # `msg.headers()`
        if (
            isinstance(value, cst.Attribute)
            and value.attr.value in sem.HEADER_KEYWORDS
            and _root_name(value) not in (None, "self", "cls")
        ):
            return True
        if isinstance(value, cst.Name):
            binding = model.lookup(value.value)
            if binding is not None and isinstance(binding.node, cst.Param):
                return True
    return False


class ConsumerWithoutExtract(_MessagingRule):
    """## What it does
    Reports a span started while handling a received message (in a loop over a Kafka
    consumer, after `poll()`/`getone()`/`receive_message()`, in a pika `basic_consume` or
    aio-pika `queue.consume` callback) without a parent taken from the message, when the
    library is not instrumented.

    ## Why is this bad?
    The producer's trace context travels in the message headers. A span started without
    `context=propagate.extract(headers)` (or an `attach` of it) is a new root: every
    message starts a new trace, cut off from the request that produced it.
    """

    code = "CTX304"
    name = "consumer-without-extract"
    triggers = ("start_span", "start_as_current_span")
    requires = (("Consumer", "consume", "poll", "getone", "getmany", "receive_message", "iterator"),)
    example = """
    from kafka import KafkaConsumer
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    tracer = trace.get_tracer(__name__)

    def run():
        for message in KafkaConsumer("orders"):
            with tracer.start_as_current_span("process-order"):
                process(message.value)
    """
    use_instead = """
    from kafka import KafkaConsumer
    from opentelemetry import propagate, trace
    from opentelemetry.sdk.trace import TracerProvider

    trace.set_tracer_provider(TracerProvider())
    tracer = trace.get_tracer(__name__)

    def run():
        for message in KafkaConsumer("orders"):
            carrier = {key: value.decode() for key, value in message.headers or []}
            with tracer.start_as_current_span("process-order", context=propagate.extract(carrier)):
                process(message.value)
    """
    known_limits = """
    Only projects that set up tracing themselves are checked (see CTX303). Only spans
    started in the consumer loop or callback itself are checked, not in the
    functions it calls. Any `extract`/`attach` in the same function, or a `context=` or
    `links=` argument, counts as a deliberate parent. kafka-python's instrumentation ends
    its span inside `__next__`, so even an instrumented loop body runs without the
    message's context; that case is not reported.
    """

    def __init__(self, context) -> None:
        super().__init__(context)
        self._loops: dict[int, tuple[str, str]] = {}  # id(loop) -> (library, what)
        self._receiving: dict[int, tuple[str, str]] = {}  # id(function) -> (library, what)
        self._callbacks: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, name) -> (library, what)
        self._deferred: list[tuple[cst.Call, cst.FunctionDef, str]] = []  # (span, function, kind)

    def visit_For(self, node: cst.For) -> None:
        if not self.inventory_known:
            return
        library = self._consumer_iterable(node.iter)
        if library is not None:
            self._loops[id(node)] = (library, f"loop over `{source(node.iter)}`")

    def visit_Call(self, node: cst.Call) -> None:
        if not self.inventory_known:
            return
        if attribute_name(node.func) in SPAN_STARTERS:
            self._span(node)
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        receiver = self.model.resolve(func.value) or ""
        received = self._receive(method, receiver, func.value)
        if received is not None:
            self._mark_region(received, f"`{source(func)}`")
            return
        callback = None
        if receiver in sem.PIKA_CHANNELS and method == sem.PIKA_CONSUME[0]:
            callback, library = self._callback_argument(node, sem.PIKA_CONSUME), "pika"
        elif receiver.startswith(sem.AIO_PIKA_PREFIX) and method == sem.AIO_PIKA_CONSUME[0]:
            callback, library = self._callback_argument(node, sem.AIO_PIKA_CONSUME), "aio-pika"
        if callback is not None:
            for handler in handler_names(callback, self.model):
                self._callbacks.setdefault(handler, (library, f"`{source(func)}` callback"))

    def leave_Module(self, node: cst.Module) -> None:
        for span, function, kind in self._deferred:
            region = self._callbacks.get((kind, function.name.value))
            if region is not None:
                self._check(span, function, region)

    # ------------------------------------------------------------ regions

    def _consumer_iterable(self, expression: cst.BaseExpression) -> Optional[str]:
        path = self.model.resolve(expression) or ""
        if path in sem.CONSUMER_ITERABLES:
            return sem.CONSUMER_ITERABLES[path]
        if path.startswith(sem.AIO_PIKA_PREFIX) and path.endswith(sem.AIO_PIKA_ITERATOR):
            return "aio-pika"
        if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
            receiver = self.model.resolve(expression.func.value) or ""
            return self._receive(expression.func.attr.value, receiver, expression.func.value)
        return None

    def _receive(self, method: str, receiver: str, receiver_node: cst.CSTNode) -> Optional[str]:
        spec = sem.CONSUMER_RECEIVES.get(receiver)
        if spec is not None and method in spec[1]:
            return spec[0]
        if receiver.startswith("boto3."):
            messaging = sem.AWS_MESSAGING.get(self.boto3_service(receiver_node) or "")
            if messaging is not None and method in messaging[1]:
                return "boto3"
        return None

    def _mark_region(self, library: str, what: str) -> None:
        """The innermost loop around a receive call handles its messages; without a loop,
        the rest of the function does."""
        for ancestor in reversed(self.model.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                if isinstance(ancestor, cst.FunctionDef):
                    region = (library, f"function `{ancestor.name.value}` after {what}")
                    self._receiving.setdefault(id(ancestor), region)
                return
            if isinstance(ancestor, (cst.For, cst.While)):
                self._loops.setdefault(id(ancestor), (library, f"loop calling {what}"))
                return

    @staticmethod
    def _callback_argument(node: cst.Call, spec: tuple) -> Optional[cst.BaseExpression]:
        _method, positions, keywords = spec
        for name in keywords:
            found = keyword(node, name)
            if found is not None:
                return found.value
        for index in positions:
            found = positional(node, index)
            if found is not None and not isinstance(found.value, (cst.SimpleString, cst.FormattedString)):
                return found.value
        return None

    # ------------------------------------------------------------ spans

    def _span(self, node: cst.Call) -> None:
        function = self.model.def_function
        region = None
        for ancestor in reversed(self.model.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                break
            region = self._loops.get(id(ancestor))
            if region is not None:
                break
        if region is None and function is not None:
            region = self._receiving.get(id(function.node))
        if region is not None:
            self._check(node, function.node if function is not None else self.model.module_scope.node, region)
        elif function is not None and isinstance(function.node, cst.FunctionDef):
            # maybe a consumer callback registered later in the module: decided at the end
            kind = "method" if function.enclosing_class is not None else "function"
            self._deferred.append((node, function.node, kind))

    def _check(self, span: cst.Call, scope: cst.CSTNode, region: tuple[str, str]) -> None:
        library, what = region
        if self.instrumented([library]) is not None:
            return
        parent = argument(span, *SPAN_STARTERS[attribute_name(span.func) or "start_span"])
        if parent is not None or keyword(span, "links") is not None:
            return  # the code chose the parent (or links the message's trace) itself
        if self.extracts_by_hand(scope):
            return
        self.report(
            span,
            f"`{source(span.func)}` in the {library} {what} starts a new trace for every message: "
            f"{self.not_instrumented(library)}; pass `context=propagate.extract(<message headers>)`, "
            f"or {self.advice(library, None, per_object=False)}",
        )


# ---------------------------------------------------------------------------- CTX305


class PropagationSuppressed(_MessagingRule):
    """## What it does
    Reports an outbound HTTP request or message publish made inside
    `with suppress_http_instrumentation():` or `with suppress_instrumentation():` while the
    library is otherwise instrumented.

    ## Why is this bad?
    Inside the block the instrumentation does nothing: no client span and no `traceparent`
    header, so the receiving side starts a new trace. That is right for an exporter
    sending telemetry, and wrong for a call that belongs to the request being handled.
    """

    code = "CTX305"
    name = "propagation-suppressed"
    preview = True
    triggers = ("suppress_",)
    example = """
    import requests
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.instrumentation.utils import suppress_http_instrumentation

    RequestsInstrumentor().instrument()

    def charge(payment):
        with suppress_http_instrumentation():
            return requests.post("https://billing/charge", json=payment, timeout=5)
    """
    use_instead = """
    import requests
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    RequestsInstrumentor().instrument()

    def charge(payment):
        return requests.post("https://billing/charge", json=payment, timeout=5)
    """
    known_limits = """
    Only `with` blocks in the same function are seen, not suppression set by a caller.
    Calls on a client are recognised when the client's construction is visible (same
    function, `self.` attribute, module level, or an annotation).
    """

    def visit_Call(self, node: cst.Call) -> None:
        suppressor = self._suppressor()
        if suppressor is None:
            return
        name, scope = suppressor
        found = self._outbound(node, http_only=scope == "http")
        if found is None:
            return
        library, libraries = found
        facts = self.context.facts
        if self.instrumented(libraries) is None and not any(facts.object_instrumentations(lib) for lib in libraries):
            return  # nothing to suppress: CTX301/CTX303 report the missing instrumentation
        if self.injects_by_hand(self.scope_node()):
            return
        self.report(
            node,
            f"`{source(node.func)}` runs inside `{name}()`: the {library} instrumentation is suppressed and no "
            f"trace context is sent; move the call out of the block or `propagate.inject(headers)` by hand",
        )

    def _suppressor(self) -> Optional[tuple[str, str]]:
        for _item, path in self.model.enclosing_with_paths():
            if not path or not path.startswith("opentelemetry.") or not path.endswith("()"):
                continue
            name = path[:-2].rsplit(".", 1)[-1]
            if name in sem.SUPPRESSORS:
                return name, sem.SUPPRESSORS[name]
        return None

    def _outbound(self, node: cst.Call, http_only: bool) -> Optional[tuple[str, tuple[str, ...]]]:
        path = self.model.resolve(node.func) or ""
        if path in sem.HTTP_SHORTCUTS:
            return sem.HTTP_SHORTCUTS[path], (sem.HTTP_SHORTCUTS[path],)
        if path in sem.HTTP_CLIENTS:
            return None  # a construction sends nothing by itself
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in sem.HTTP_SEND_METHODS:
            receiver = self.model.resolve(func.value) or ""
            library = sem.HTTP_CLIENTS.get(receiver[:-2]) if receiver.endswith("()") else None
            if library:
                return library, (library,)
        if http_only:
            return None
        return self.producer_library(node)
