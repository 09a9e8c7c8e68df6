"""OpenTelemetry instrumentation: instrumentors, per-object forms, launchers, advice.

Entry-point names (group `opentelemetry_instrumentor`) are the names
`OTEL_PYTHON_DISABLED_INSTRUMENTATIONS` uses (runtime-semantics.md §B.6); ctxlint uses
them in config (`instrumented`), in messages and in `--verbose`. The table below is the
complete contrib list (opentelemetry-python-contrib, entry points as of 0.66b1), plus the
LLM SDK instrumentors (`OpenAIInstrumentor`, `AnthropicInstrumentor`: openllmetry's inject
`traceparent` into the SDK's requests).
"""

# Instrumentor class name -> entry-point name.
INSTRUMENTORS: dict[str, str] = {
    "AioPikaInstrumentor": "aio-pika",
    "AioHttpClientInstrumentor": "aiohttp-client",
    "AioHttpServerInstrumentor": "aiohttp-server",
    "AIOKafkaInstrumentor": "aiokafka",
    "AiopgInstrumentor": "aiopg",
    "AnthropicInstrumentor": "anthropic",
    "AsyncClickInstrumentor": "asyncclick",
    "AsyncioInstrumentor": "asyncio",
    "AsyncPGInstrumentor": "asyncpg",
    "AwsLambdaInstrumentor": "aws-lambda",
    "Boto3SQSInstrumentor": "boto3",
    "BotocoreInstrumentor": "botocore",
    "AiobotocoreInstrumentor": "aiobotocore",
    "CassandraInstrumentor": "cassandra",
    "CeleryInstrumentor": "celery",
    "ClickInstrumentor": "click",
    "ConfluentKafkaInstrumentor": "confluent_kafka",
    "DjangoInstrumentor": "django",
    "UnhandledExceptionInstrumentor": "exceptions",
    "FalconInstrumentor": "falcon",
    "FastAPIInstrumentor": "fastapi",
    "FlaskInstrumentor": "flask",
    "GrpcInstrumentorClient": "grpc_client",
    "GrpcInstrumentorServer": "grpc_server",
    "GrpcAioInstrumentorClient": "grpc_aio_client",
    "GrpcAioInstrumentorServer": "grpc_aio_server",
    "HTTPXClientInstrumentor": "httpx",
    "HTTPX2ClientInstrumentor": "httpx2",
    "Jinja2Instrumentor": "jinja2",
    "KafkaInstrumentor": "kafka",
    "LoggingInstrumentor": "logging",
    "MySQLInstrumentor": "mysql",
    "MySQLClientInstrumentor": "mysqlclient",
    "OpenAIInstrumentor": "openai",
    "PikaInstrumentor": "pika",
    "PsycopgInstrumentor": "psycopg",
    "Psycopg2Instrumentor": "psycopg2",
    "PymemcacheInstrumentor": "pymemcache",
    "PymongoInstrumentor": "pymongo",
    "PyMSSQLInstrumentor": "pymssql",
    "PyMySQLInstrumentor": "pymysql",
    "PyramidInstrumentor": "pyramid",
    "RedisInstrumentor": "redis",
    "RemouladeInstrumentor": "remoulade",
    "RequestsInstrumentor": "requests",
    "SQLAlchemyInstrumentor": "sqlalchemy",
    "SQLite3Instrumentor": "sqlite3",
    "StarletteInstrumentor": "starlette",
    "StructlogInstrumentor": "structlog",
    "SystemMetricsInstrumentor": "system_metrics",
    "ThreadingInstrumentor": "threading",
    "TornadoInstrumentor": "tornado",
    "TortoiseORMInstrumentor": "tortoiseorm",
    "URLLibInstrumentor": "urllib",
    "URLLib3Instrumentor": "urllib3",
}

# `Instrumentor().instrument()` patches the library for the whole process.
GLOBAL_METHODS = frozenset({"instrument"})
# Methods that instrument one object, given as their first argument.
OBJECT_METHODS = frozenset(
    {
        "instrument_app", "instrument_client", "instrument_channel", "instrument_producer",
        "instrument_consumer", "instrument_config",
    }
)
# Methods that do not instrument anything (a construction used only for these is not
# evidence of instrumentation).
NON_INSTRUMENTING_METHODS = frozenset(
    {
        "uninstrument", "uninstrument_app", "uninstrument_client", "uninstrument_session",
        "uninstrument_channel", "uninstrument_producer", "uninstrument_consumer",
        "uninstrument_config", "uninstrument_opener", "is_instrumented_by_opentelemetry",
        "instrumentation_dependencies",
    }
)

# Helpers that instrument the one object they are built into (a client's `transport=`,
# a session's `trace_configs=`, a server's `interceptors=`): name -> entry-point name.
CONSTRUCTION_HELPERS: dict[str, str] = {
    "SyncOpenTelemetryTransport": "httpx",
    "AsyncOpenTelemetryTransport": "httpx",
    "SyncOpenTelemetryTransportHttpx2": "httpx2",
    "AsyncOpenTelemetryTransportHttpx2": "httpx2",
    "create_trace_config": "aiohttp-client",
    "create_aiohttp_middleware": "aiohttp-server",
    "server_interceptor": "grpc_server",
    "aio_server_interceptor": "grpc_aio_server",
    "client_interceptor": "grpc_client",
    "aio_client_interceptors": "grpc_aio_client",
}

# Global instrumentors that replace the framework's application class (runtime-semantics.md
# §B.6): `FlaskInstrumentor().instrument()` sets `flask.Flask = _InstrumentedFlask`, so an
# app built from a `from flask import Flask` bound before that call is not instrumented.
# entry-point name -> the classes replaced.
CLASS_REPLACING: dict[str, frozenset] = {
    "flask": frozenset({"flask.Flask", "flask.app.Flask"}),
    "fastapi": frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"}),
    "starlette": frozenset({"starlette.applications.Starlette"}),
    "falcon": frozenset({"falcon.App", "falcon.API", "falcon.asgi.App"}),
    "aiohttp-server": frozenset({"aiohttp.web.Application", "aiohttp.web_app.Application"}),
}

# The WSGI/ASGI middleware has no entry point; ctxlint files it under "wsgi"/"asgi".
MIDDLEWARE_CLASS = "OpenTelemetryMiddleware"
MIDDLEWARE_MODULES: dict[str, str] = {
    "opentelemetry.instrumentation.wsgi": "wsgi",
    "opentelemetry.instrumentation.asgi": "asgi",
}
# `from opentelemetry.instrumentation.aiohttp_server import middleware`
AIOHTTP_SERVER_MIDDLEWARE = "opentelemetry.instrumentation.aiohttp_server.middleware"

# Vendor wrappers over the contrib instrumentors: `logfire.instrument_<x>(...)`.
# method -> (entry-point name, takes the instrumented object as first argument)
LOGFIRE_METHODS: dict[str, tuple[str, bool]] = {
    "instrument_requests": ("requests", False),
    "instrument_httpx": ("httpx", True),
    "instrument_aiohttp_client": ("aiohttp-client", False),
    "instrument_aiohttp_server": ("aiohttp-server", False),
    "instrument_fastapi": ("fastapi", True),
    "instrument_flask": ("flask", True),
    "instrument_starlette": ("starlette", True),
    "instrument_django": ("django", False),
    "instrument_celery": ("celery", False),
}
# Distros configured by one call that enable a fixed set of instrumentors
# (azure-monitor-opentelemetry's documented default set).
DISTRO_CALLS: dict[str, tuple[str, ...]] = {
    "configure_azure_monitor": ("django", "fastapi", "flask", "httpx", "requests", "urllib", "urllib3"),
}

# An object handed to a callable whose name says tracing (`setup_tracing(app)`,
# `init_telemetry(app)`, `TracingMiddleware(app)`, `app.add_middleware(TracingMiddleware)`)
# or that comes from another tracing library (OpenCensus `FlaskMiddleware(app)`, bridged
# by the OpenCensus shim) may be instrumented by it: ctxlint files these under
# WRAPPER_LIBRARY and does not report objects of that name. Words are matched
# case-insensitively in the last name; "middleware" alone is not enough (CORS, sessions).
WRAPPER_WORDS = ("tracing", "telemetry", "otel", "observability", "instrument")
WRAPPER_MODULES = ("opencensus.",)
WRAPPER_LIBRARY = "tracing-wrapper"

# Other vendors' APM agents instrument HTTP clients, servers and brokers themselves and
# send `traceparent` (instana on import, ddtrace's `patch_all()`/`ddtrace-run`, elastic
# APM's `instrument()`, New Relic): a file using one is not judged by the OpenTelemetry
# inventory (CTX301-CTX304). Top-level package names.
VENDOR_AGENTS = frozenset({"instana", "ddtrace", "elasticapm", "newrelic", "scout_apm"})

# Programmatic auto-instrumentation (runtime-semantics.md §B.7).
AUTO_INSTRUMENTATION_MODULE = "opentelemetry.instrumentation.auto_instrumentation"
AUTO_INSTRUMENTATION_CALL = "initialize"
AUTO_INSTRUMENTATION_IMPORT = "sitecustomize"  # importing it runs initialize()
INSTRUMENTOR_ENTRY_POINT_GROUP = "opentelemetry_instrumentor"  # loading them all = auto
ENTRY_POINT_LOADERS = frozenset({"entry_points", "iter_entry_points", "select"})

AUTO_INSTRUMENT_COMMAND = "opentelemetry-instrument"
DISABLED_ENV = "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"
DISABLED_FLAG = "--disabled_instrumentations"  # `opentelemetry-instrument --disabled_instrumentations x`
# Non-Python files that launch a service (matched on the lower-cased file name).
LAUNCH_FILE_PREFIXES = (
    "dockerfile", "containerfile", "procfile", "makefile", "gnumakefile", "justfile",
    "docker-compose", "compose", ".env",
)
LAUNCH_FILE_SUFFIXES = (
    ".sh", ".bash", ".yml", ".yaml", ".dockerfile", ".toml", ".cfg", ".ini", ".env",
    ".conf", ".service", ".mk",
)

# Library a first-party import shows the project uses (for `--verbose` only):
# (imported module prefix, a second token the file must contain or "", entry-point name).
# "http.client" has no instrumentation at all.
USED_LIBRARIES: tuple[tuple[str, str, str], ...] = (
    ("requests", "", "requests"),
    ("httpx", "", "httpx"),
    ("aiohttp", "ClientSession", "aiohttp-client"),
    ("aiohttp", "web", "aiohttp-server"),
    ("urllib.request", "", "urllib"),
    ("urllib", "request", "urllib"),
    ("urllib3", "", "urllib3"),
    ("http.client", "", "http.client"),
    ("http", "client", "http.client"),
    ("tornado", "", "tornado"),
    ("flask", "", "flask"),
    ("fastapi", "", "fastapi"),
    ("starlette", "", "starlette"),
    ("django", "", "django"),
    ("falcon", "", "falcon"),
    ("pyramid", "", "pyramid"),
    ("grpc", "server(", "grpc_server"),
    ("grpc", "channel(", "grpc_client"),
    ("kafka", "", "kafka"),
    ("confluent_kafka", "", "confluent_kafka"),
    ("aiokafka", "", "aiokafka"),
    ("pika", "", "pika"),
    ("aio_pika", "", "aio-pika"),
    ("boto3", "sqs", "boto3"),
    ("boto3", "", "botocore"),
    ("botocore", "", "botocore"),
    ("celery", "", "celery"),
    ("threading", "", "threading"),
    ("concurrent.futures", "", "threading"),
)
NO_INSTRUMENTATION = "http.client"

# Entry-point name -> the instrumentor class (for messages): the inverse of INSTRUMENTORS.
INSTRUMENTOR_OF: dict[str, str] = {library: cls for cls, library in INSTRUMENTORS.items()}
