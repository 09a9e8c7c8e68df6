"""Where a trace leaves or enters the process: HTTP clients, servers, message producers
and consumers, by resolved dotted name (`()` = an instance), with the OpenTelemetry
entry-point name that instruments each (runtime-semantics.md §B.6).

An empty library name means no OpenTelemetry instrumentation exists (`http.client`).
"""

NO_INSTRUMENTATION = ""

# ------------------------------------------------------------------ HTTP clients (CTX301)

# Client constructions: reported once each. path -> library
HTTP_CLIENTS: dict[str, str] = {
    "requests.Session": "requests",
    "requests.session": "requests",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
    "aiohttp.ClientSession": "aiohttp-client",
    "urllib.request.build_opener": "urllib",
    "urllib.request.OpenerDirector": "urllib",
    "urllib3.PoolManager": "urllib3",
    "urllib3.ProxyManager": "urllib3",
    "urllib3.HTTPConnectionPool": "urllib3",
    "urllib3.HTTPSConnectionPool": "urllib3",
    "urllib3.connection_from_url": "urllib3",
    "urllib3.proxy_from_url": "urllib3",
    "urllib3.poolmanager.PoolManager": "urllib3",
    "urllib3.poolmanager.ProxyManager": "urllib3",
    "urllib3.poolmanager.proxy_from_url": "urllib3",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3",
    "urllib3.connectionpool.connection_from_url": "urllib3",
    "http.client.HTTPConnection": NO_INSTRUMENTATION,
    "http.client.HTTPSConnection": NO_INSTRUMENTATION,
    "tornado.httpclient.AsyncHTTPClient": "tornado",
    "tornado.httpclient.HTTPClient": "tornado",
    "tornado.simple_httpclient.SimpleAsyncHTTPClient": "tornado",
    "tornado.curl_httpclient.CurlAsyncHTTPClient": "tornado",
}

# SDK clients that send through an httpx client of their own (openai >= 1, anthropic):
# path -> the libraries whose instrumentation covers their requests. `HTTPXClientInstrumentor`
# patches httpx's transports, which these clients use; the SDKs' own instrumentors are
# counted too (openllmetry's `OpenAIInstrumentor` injects `traceparent` into the request).
HTTP_SDK_CLIENTS: dict[str, tuple[str, ...]] = {
    **{f"openai.{cls}": ("httpx", "openai") for cls in ("OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI")},
    **{f"anthropic.{cls}": ("httpx", "anthropic") for cls in ("Anthropic", "AsyncAnthropic")},
}

# The host an SDK client sends to when no `base_url=` is given: a third party, which no
# trace continues.
SDK_DEFAULT_HOSTS: dict[str, str] = {
    **{path: "api.openai.com" for path in HTTP_SDK_CLIENTS if path.startswith("openai.") and "Azure" not in path},
    **{path: "api.anthropic.com" for path in HTTP_SDK_CLIENTS if path.startswith("anthropic.")},
}
# Clients constructed with a host instead of a URL (`HTTPConnection("inventory", 8080)`).
HOST_ARGUMENT_CLIENTS = frozenset(
    {"http.client.HTTPConnection", "http.client.HTTPSConnection", "urllib3.HTTPConnectionPool",
     "urllib3.HTTPSConnectionPool", "urllib3.connectionpool.HTTPConnectionPool",
     "urllib3.connectionpool.HTTPSConnectionPool"}
)
# Request objects whose first argument is the URL (`urlopen(Request(url, headers=...))`).
REQUEST_OBJECTS = frozenset({"urllib.request.Request", "requests.Request", "httpx.Request"})
# Host suffixes of private names: an address ending so is a service of one's own.
PRIVATE_HOST_SUFFIXES = (
    ".local", ".internal", ".svc", ".cluster.local", ".lan", ".home", ".corp", ".consul", ".localdomain",
    ".test", ".example", ".invalid", ".localhost",
)

_VERBS = ("get", "options", "head", "post", "put", "patch", "delete", "request")
# Module-level shortcuts that send a request through an internal client. path -> library
HTTP_SHORTCUTS: dict[str, str] = {
    **{f"requests.{verb}": "requests" for verb in _VERBS},
    **{f"httpx.{verb}": "httpx" for verb in (*_VERBS, "stream")},
    "aiohttp.request": "aiohttp-client",
    "urllib.request.urlopen": "urllib",
    "urllib.request.urlretrieve": "urllib",
    "urllib3.request": "urllib3",
}

# Methods of a constructed client that send a request (CTX305).
HTTP_SEND_METHODS = frozenset(
    {*_VERBS, "send", "stream", "fetch", "open", "urlopen", "ws_connect", "request_encode_url", "request_encode_body"}
)

# ------------------------------------------------------------------ servers (CTX302)

# Application constructions. path -> library
SERVERS: dict[str, str] = {
    "flask.Flask": "flask",
    "flask.app.Flask": "flask",
    "fastapi.FastAPI": "fastapi",
    "fastapi.applications.FastAPI": "fastapi",
    "starlette.applications.Starlette": "starlette",
    "aiohttp.web.Application": "aiohttp-server",
    "aiohttp.web_app.Application": "aiohttp-server",
    "falcon.App": "falcon",
    "falcon.API": "falcon",
    "falcon.asgi.App": "falcon",
    "tornado.web.Application": "tornado",
    "grpc.server": "grpc_server",
    "grpc.aio.server": "grpc_aio_server",
    "django.core.wsgi.get_wsgi_application": "django",
    "django.core.asgi.get_asgi_application": "django",
}
# Frameworks with native OpenTelemetry tracing configured by a constructor keyword:
# framework -> (keyword, the key of a dict literal that turns tracing off). FastAPI
# 0.142+ `FastAPI(telemetry={...})` extracts the incoming `traceparent` and starts a
# server span unless `"tracing": False` (verified against fastapi 0.163.2).
NATIVE_TELEMETRY: dict[str, tuple[str, str]] = {"fastapi": ("telemetry", "tracing")}
# Frameworks that the OpenTelemetry WSGI/ASGI middleware instruments when it wraps the
# app (filed under "wsgi"/"asgi" in the project facts): framework -> middleware kinds.
MIDDLEWARE_FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "flask": ("wsgi",),
    "fastapi": ("asgi",),
    "starlette": ("asgi",),
    "django": ("wsgi", "asgi"),
    "falcon": ("wsgi", "asgi"),
}

# ------------------------------------------------------------------ messaging (CTX303, CTX304)

# Producer instances: receiver path -> (library, publishing methods).
PRODUCERS: dict[str, tuple[str, frozenset]] = {
    "kafka.KafkaProducer()": ("kafka", frozenset({"send"})),
    "kafka.producer.KafkaProducer()": ("kafka", frozenset({"send"})),
    "kafka.producer.kafka.KafkaProducer()": ("kafka", frozenset({"send"})),
    "confluent_kafka.Producer()": ("confluent_kafka", frozenset({"produce"})),
    "confluent_kafka.SerializingProducer()": ("confluent_kafka", frozenset({"produce"})),
    "aiokafka.AIOKafkaProducer()": ("aiokafka", frozenset({"send", "send_and_wait"})),
    "aiokafka.producer.AIOKafkaProducer()": ("aiokafka", frozenset({"send", "send_and_wait"})),
    **{
        channel: ("pika", frozenset({"basic_publish"}))
        for channel in (
            "pika.BlockingConnection().channel()",
            "pika.adapters.BlockingConnection().channel()",
            "pika.adapters.blocking_connection.BlockingConnection().channel()",
            "pika.adapters.blocking_connection.BlockingChannel()",
            "pika.channel.Channel()",
        )
    },
}
# Where a publish call carries the message headers (kafka-python, confluent-kafka,
# aiokafka `headers=`; pika `properties=`): forwarding another message's value of the same
# name (`headers=msg.headers()`) forwards its trace context.
HEADER_KEYWORDS = ("headers", "properties")
# Any aio-pika object path (exchanges come from channels, connections, annotations).
AIO_PIKA_PREFIX = "aio_pika."
AIO_PIKA_PUBLISH = frozenset({"publish"})

# Consumer instances iterated by `for`/`async for`: path -> library.
CONSUMER_ITERABLES: dict[str, str] = {
    "kafka.KafkaConsumer()": "kafka",
    "kafka.consumer.KafkaConsumer()": "kafka",
    "kafka.consumer.group.KafkaConsumer()": "kafka",
    "aiokafka.AIOKafkaConsumer()": "aiokafka",
    "aiokafka.consumer.AIOKafkaConsumer()": "aiokafka",
}
# Consumers whose instrumentation ends its consume span before the caller's code sees the
# message: kafka-python's `KafkaInstrumentor` starts and ends the span inside
# `KafkaConsumer.__next__` (`kafka/utils.py` `_wrap_next`), so the loop body runs with no
# parent even when instrumented. (confluent-kafka's `poll()` keeps its span attached until
# the next poll, runtime-semantics.md §B.6.)
CONSUME_SPAN_ENDED = frozenset({"kafka"})
# Receiving calls: receiver path -> (library, methods). A loop containing one, or the
# rest of the function when there is no loop, handles the received message.
CONSUMER_RECEIVES: dict[str, tuple[str, frozenset]] = {
    "kafka.KafkaConsumer()": ("kafka", frozenset({"poll"})),
    "confluent_kafka.Consumer()": ("confluent_kafka", frozenset({"poll", "consume"})),
    "confluent_kafka.DeserializingConsumer()": ("confluent_kafka", frozenset({"poll"})),
    "aiokafka.AIOKafkaConsumer()": ("aiokafka", frozenset({"getone", "getmany"})),
    "aiokafka.consumer.AIOKafkaConsumer()": ("aiokafka", frozenset({"getone", "getmany"})),
    **{channel: ("pika", frozenset({"consume"})) for channel, (library, _m) in PRODUCERS.items() if library == "pika"},
}
# Callback registrations: receiver -> (library, method, positions, keywords of the callback).
PIKA_CHANNELS = frozenset(channel for channel, (library, _m) in PRODUCERS.items() if library == "pika")
PIKA_CONSUME = ("basic_consume", (1, 0), ("on_message_callback", "consumer_callback"))
AIO_PIKA_CONSUME = ("consume", (0,), ("callback",))
AIO_PIKA_ITERATOR = "iterator()"

# AWS messaging through boto3 clients/resources; the service is the factory's first argument.
BOTO3_FACTORIES = frozenset(
    {
        "boto3.client", "boto3.resource", "boto3.Session().client", "boto3.Session().resource",
        "boto3.session.Session().client", "boto3.session.Session().resource",
    }
)
# service -> (publishing methods, receiving methods, libraries instrumenting publish,
# libraries instrumenting receive). BotocoreInstrumentor injects into SNS message
# attributes and the X-Ray header of SQS requests; only Boto3SQSInstrumentor extracts.
AWS_MESSAGING: dict[str, tuple[frozenset, frozenset, tuple[str, ...], tuple[str, ...]]] = {
    "sqs": (
        frozenset({"send_message", "send_message_batch", "send_messages"}),
        frozenset({"receive_message", "receive_messages"}),
        ("boto3", "botocore"),
        ("boto3",),
    ),
    "sns": (frozenset({"publish", "publish_batch"}), frozenset(), ("botocore",), ()),
}

# ------------------------------------------------------------------ propagation

# Top-level packages of the boundary libraries above: a call into one of them is never a
# project injector/extractor that happens to share its last name (`httpx.AsyncClient`).
BOUNDARY_PACKAGES = frozenset(
    path.split(".", 1)[0]
    for path in (
        *HTTP_CLIENTS, *HTTP_SDK_CLIENTS, *HTTP_SHORTCUTS, *SERVERS, *PRODUCERS, *CONSUMER_ITERABLES,
        *CONSUMER_RECEIVES,
    )
) | {AIO_PIKA_PREFIX.rstrip("."), "boto3"}

# Last names of calls that write / read the trace context into a carrier
# (`propagate.inject`, `get_global_textmap().inject`, `TraceContextTextMapPropagator().inject`).
INJECT = "inject"
EXTRACT = "extract"
ATTACH = "attach"
# Hand-written server propagation: a function calling `extract` that is registered as a
# request hook (`@app.before_request`, `app.add_middleware(C)`), or a middleware /
# interceptor method of that name, extracts the incoming context itself.
SERVER_HOOKS = frozenset(
    {"before_request", "before_app_request", "middleware", "add_middleware", "on_request", "register_middleware"}
)
SERVER_HOOK_METHODS = frozenset(
    {"__call__", "dispatch", "process_request", "process_view", "intercept_service", "on_request"}
)
SUPPRESSORS: dict[str, str] = {
    "suppress_http_instrumentation": "http",
    "suppress_instrumentation": "all",
}

# ------------------------------------------------------------------ advice

# What fixes an uninstrumented library, for messages: the process-wide remedy (or the
# framework's only one, per app). `{name}` is the object's name.
ADVICE: dict[str, str] = {
    "requests": "call `RequestsInstrumentor().instrument()` at startup",
    "httpx": "call `HTTPXClientInstrumentor().instrument()` at startup",
    "aiohttp-client": "call `AioHttpClientInstrumentor().instrument()` at startup",
    "urllib": "call `URLLibInstrumentor().instrument()` at startup",
    "urllib3": "call `URLLib3Instrumentor().instrument()` at startup",
    "tornado": "call `TornadoInstrumentor().instrument()` at startup",
    NO_INSTRUMENTATION: "http.client has no OpenTelemetry instrumentation; call `propagate.inject(headers)` and send the headers",
    "flask": "call `FlaskInstrumentor().instrument_app({name})`",
    "fastapi": "call `FastAPIInstrumentor.instrument_app({name})`",
    "starlette": "call `StarletteInstrumentor.instrument_app({name})`",
    "django": "call `DjangoInstrumentor().instrument()` at startup",
    "aiohttp-server": "call `AioHttpServerInstrumentor().instrument()` before creating the application",
    "falcon": "call `FalconInstrumentor().instrument()` before creating the application",
    "grpc_server": "call `GrpcInstrumentorServer().instrument()` at startup",
    "grpc_aio_server": "call `GrpcAioInstrumentorServer().instrument()` at startup",
    "kafka": "call `KafkaInstrumentor().instrument()` at startup",
    "confluent_kafka": "call `ConfluentKafkaInstrumentor().instrument()` at startup",
    "aiokafka": "call `AIOKafkaInstrumentor().instrument()` at startup",
    "pika": "call `PikaInstrumentor().instrument()` at startup",
    "aio-pika": "call `AioPikaInstrumentor().instrument()` at startup",
    "boto3": "call `Boto3SQSInstrumentor().instrument()` at startup",
    "botocore": "call `BotocoreInstrumentor().instrument()` at startup",
}
# The per-object alternative, offered where the message is about one object (a client
# construction, a server, a channel), not about a module-level shortcut call.
OBJECT_ADVICE: dict[str, str] = {
    "httpx": "`HTTPXClientInstrumentor.instrument_client({name})`",
    "aiohttp-client": "pass `trace_configs=[create_trace_config()]`",
    "grpc_server": "pass `interceptors=[server_interceptor()]`",
    "grpc_aio_server": "pass `interceptors=[aio_server_interceptor()]`",
    "pika": "`PikaInstrumentor.instrument_channel({name})`",
}
# Placeholder object names when the construction is not bound to a name.
DEFAULT_OBJECT_NAME: dict[str, str] = {"httpx": "client", "pika": "channel"}

# ------------------------------------------------------------------ hand-written propagation (CTX306-CTX308)

# Calls that write the current trace context into a carrier, by last name. OpenTelemetry:
# `inject(carrier, context=None, setter=...)` (`propagate`, `get_global_textmap()`, any
# `TextMapPropagator`); OpenTracing-style vendor tracers (instana, jaeger, ddtrace's
# opentracer): `tracer.inject(span_context, format, carrier)`, recognised by a `Format.*`
# second argument.
INJECT_METHODS = frozenset({"inject"})
# An unresolved `x.inject(...)` counts as a trace inject only when its receiver's name says
# so (dependency injection also calls `inject`).
INJECT_RECEIVER_WORDS = ("propagat", "tracer", "textmap", "tracing", "otel")
OPENTRACING_FORMAT = "Format"
# Functions that return the trace headers to send (Sentry; OpenTelemetry has no such call).
TRACE_HEADER_SOURCES = frozenset(
    {
        "iter_trace_propagation_headers", "iter_headers", "get_traceparent", "get_baggage",
        "to_traceparent", "to_baggage", "trace_propagation_meta",
    }
)
# Of those, the ones whose headers include W3C `baggage` (Sentry's iterators yield
# `sentry-trace` and `baggage`).
BAGGAGE_HEADER_SOURCES = frozenset({"iter_trace_propagation_headers", "iter_headers", "get_baggage", "to_baggage"})
# A header write `headers[<key>] = ...` writes trace context when the key (a string, or a
# constant's name) matches this (case-insensitive): W3C, Sentry, B3, Jaeger, Datadog, X-Ray,
# Elastic APM header names.
TRACE_HEADER_KEY = r"trace[-_]?parent|trace[-_]?state|baggage|sentry[-_]trace|x[-_]b3[-_]|^b3$|uber[-_]trace[-_]id|x[-_]datadog[-_]trace|x[-_]amzn[-_]trace[-_]id|elastic[-_]apm[-_]traceparent"
# Objects whose `headers` attribute is None unless given: pika's `BasicProperties(headers=None)`.
NONE_HEADER_FACTORIES = frozenset({"pika.BasicProperties", "pika.spec.BasicProperties"})
HEADERS_ATTRIBUTE = "headers"
# Clients that take arbitrary keywords into the request body, so headers passed under the
# wrong keyword are silently sent as data: call path -> the keyword the headers must use.
# openai < 1.0 (`openai.ChatCompletion.create(**params)` pops `headers` only; `extra_headers`
# is the 1.x client's keyword and ends up in the JSON body).
HEADER_KEYWORD_OF: dict[str, str] = {
    f"openai.{resource}.{method}": "headers"
    for resource in ("ChatCompletion", "Completion", "Embedding", "Edit", "Image", "Moderation")
    for method in ("create", "acreate")
}
# Keywords that carry headers in calls (for the wrong-keyword check).
HEADER_LIKE_KEYWORDS = frozenset({"headers", "extra_headers", "default_headers", "metadata", "properties"})

# Span kinds whose span is the parent the receiver must continue (CTX307).
OUTBOUND_SPAN_KINDS = frozenset({"CLIENT", "PRODUCER"})
# A span that publishes a message: OpenTelemetry `kind=SpanKind.PRODUCER`; Sentry
# `start_span(op="queue.submit.<x>" / "queue.publish")` or the `OP.QUEUE_SUBMIT_*` and
# `OP.QUEUE_PUBLISH` constants (CTX308).
PRODUCER_KIND = "PRODUCER"
PRODUCER_OPS = ("queue.submit", "queue.publish")
PRODUCER_OP_CONSTANTS = ("QUEUE_SUBMIT", "QUEUE_PUBLISH")
SENTRY_SPAN_STARTERS = frozenset({"start_span", "start_child", "start_transaction"})
# Celery publishing calls, instrumented by CeleryInstrumentor (CTX308 leaves them alone then).
CELERY_PUBLISH = frozenset({"apply_async", "send_task", "delay", "signature"})
