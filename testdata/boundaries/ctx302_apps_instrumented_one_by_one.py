# Regression (prefect: the worker's health-check app and the `cloud login` callback app next
# to the instrumented API app, see benchmarks/precision/ctx1-ctx3.md): a project that
# instruments a framework's applications one by one chose which to trace. Its other
# applications of that framework are auxiliary servers no traced caller reaches.
from concurrent import futures

import grpc
from fastapi import FastAPI
from flask import Flask
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.grpc import server_interceptor
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())

api = FastAPI(title="orders")
FastAPIInstrumentor.instrument_app(api)

health = FastAPI()  # the liveness probe's app


def login_callback_app():
    return FastAPI()  # a one-shot localhost callback for `cli login`


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), interceptors=[server_interceptor()])
    server.start()


def serve_admin():
    admin = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    admin.start()


# --- still reported: a framework none of whose applications is instrumented

dashboard = Flask(__name__)  # error: CTX302
