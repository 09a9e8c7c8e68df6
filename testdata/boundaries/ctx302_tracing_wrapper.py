# ctxlint: opentelemetry = true
# The service declares itself (it sets up tracing where it is deployed).
# Regression (opentelemetry-python docs/examples/opencensus-shim/app.py): an app handed to
# another tracing library or to a tracing setup helper is treated as instrumented by it.
from fastapi import FastAPI
from flask import Flask
from opencensus.ext.flask.flask_middleware import FlaskMiddleware
from opentelemetry import trace
from starlette.middleware.cors import CORSMiddleware

from service.observability import TracingMiddleware, setup_tracing

tracer = trace.get_tracer(__name__)

app = Flask(__name__)
FlaskMiddleware(app)

api = FastAPI()
setup_tracing(api)

public = FastAPI()
public.add_middleware(TracingMiddleware)

internal = FastAPI()  # error: CTX302
internal.add_middleware(CORSMiddleware, allow_origins=["*"])  # not a tracing middleware


def metrics_only():
    from prometheus_fastapi_instrumentator import Instrumentator

    metered = FastAPI()  # error: CTX302
    Instrumentator().instrument(metered).expose(metered)  # metrics, not traces
    return metered
