# ctxlint: opentelemetry = true
# Regression (arize-phoenix phoenix/server/app.py): FastAPI 0.142+ traces natively when
# given `telemetry=`: it extracts the incoming `traceparent` unless tracing is turned off.
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

provider = TracerProvider()


def native_config(tracer_provider):
    return {"tracer_provider": tracer_provider, "metrics": False}


api = FastAPI(telemetry={"tracer_provider": provider})
admin = FastAPI(title="admin", telemetry=native_config(provider))
reports = FastAPI(telemetry={"tracing": True, "logs": False})
defaults = FastAPI(telemetry={})

untraced = FastAPI(telemetry={"tracing": False})  # error: CTX302
metrics_only = FastAPI(telemetry={"tracing": False, "metrics": True})  # error: CTX302
plain = FastAPI()  # error: CTX302
