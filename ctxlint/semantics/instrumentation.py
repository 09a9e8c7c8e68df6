"""OpenTelemetry instrumentors, by class name, and the entry-point names they cover.

Entry-point names are the ones `OTEL_PYTHON_DISABLED_INSTRUMENTATIONS` uses
(runtime-semantics.md §B.6); ctxlint uses them in config, messages and `--verbose`.
"""

INSTRUMENTORS: dict[str, str] = {
    "RequestsInstrumentor": "requests",
    "HTTPXClientInstrumentor": "httpx",
    "AioHttpClientInstrumentor": "aiohttp-client",
    "URLLibInstrumentor": "urllib",
    "URLLib3Instrumentor": "urllib3",
    "TornadoInstrumentor": "tornado",
    "FlaskInstrumentor": "flask",
    "FastAPIInstrumentor": "fastapi",
    "StarletteInstrumentor": "starlette",
    "DjangoInstrumentor": "django",
    "AioHttpServerInstrumentor": "aiohttp-server",
    "FalconInstrumentor": "falcon",
    "PyramidInstrumentor": "pyramid",
    "GrpcInstrumentorServer": "grpc_server",
    "GrpcInstrumentorClient": "grpc_client",
    "GrpcAioInstrumentorServer": "grpc_aio_server",
    "GrpcAioInstrumentorClient": "grpc_aio_client",
    "KafkaInstrumentor": "kafka",
    "ConfluentKafkaInstrumentor": "confluent_kafka",
    "AIOKafkaInstrumentor": "aiokafka",
    "PikaInstrumentor": "pika",
    "AioPikaInstrumentor": "aio-pika",
    "CeleryInstrumentor": "celery",
    "Boto3SQSInstrumentor": "boto3",
    "BotocoreInstrumentor": "botocore",
    "ThreadingInstrumentor": "threading",
    "AwsLambdaInstrumentor": "aws-lambda",
    "AsyncioInstrumentor": "asyncio",
    "LoggingInstrumentor": "logging",
}

# Methods that instrument globally, and methods that instrument one object.
GLOBAL_METHODS = frozenset({"instrument"})
OBJECT_METHODS = frozenset(
    {
        "instrument_app", "instrument_client", "instrument_channel", "instrument_producer",
        "instrument_consumer", "instrument_config",
    }
)

# Constructs that instrument one object without an instrumentor class:
# name called -> entry-point name it covers.
OBJECT_INSTRUMENTATION_CALLS: dict[str, str] = {
    "SyncOpenTelemetryTransport": "httpx",
    "AsyncOpenTelemetryTransport": "httpx",
    "create_trace_config": "aiohttp-client",
    "server_interceptor": "grpc_server",
    "aio_server_interceptor": "grpc_aio_server",
    "client_interceptor": "grpc_client",
    "aio_client_interceptors": "grpc_aio_client",
    "OpenTelemetryMiddleware": "wsgi-asgi-middleware",
}

AUTO_INSTRUMENT_COMMAND = "opentelemetry-instrument"
DISABLED_ENV = "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"
# Non-Python files that launch the service.
LAUNCH_FILE_NAMES = ("Dockerfile", "Procfile", "Makefile", "docker-compose", "compose")
LAUNCH_FILE_SUFFIXES = (".sh", ".yml", ".yaml", ".dockerfile", ".toml", ".cfg", ".ini", ".env")
