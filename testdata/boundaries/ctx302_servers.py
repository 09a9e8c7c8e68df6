# ctxlint: preview = true
# An OpenTelemetry project with no server framework instrumented globally.
import falcon
import grpc
import tornado.web
from aiohttp import web
from concurrent import futures
from django.core.wsgi import get_wsgi_application
from fastapi import FastAPI
from flask import Flask
from opentelemetry import trace
from opentelemetry.instrumentation.aiohttp_server import middleware as otel_middleware
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware as AsgiMiddleware
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.grpc import server_interceptor
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware

tracer = trace.get_tracer(__name__)

app = Flask(__name__)  # error: CTX302
api = FastAPI(title="orders")  # error: CTX302
site = Starlette(routes=[])  # error: CTX302
web_app = web.Application()  # error: CTX302
falcon_app = falcon.App()  # error: CTX302
tornado_app = tornado.web.Application([])  # error: CTX302
application = get_wsgi_application()  # error: CTX302


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))  # error: CTX302
    server.start()


async def serve_async():
    server = grpc.aio.server()  # error: CTX302
    await server.start()


# --- negatives: instrumented per object, wrapped in the middleware, or given interceptors

public_api = FastAPI()
FastAPIInstrumentor.instrument_app(public_api)

wrapped = OpenTelemetryMiddleware(Flask("wrapped"))

legacy = Flask("legacy")
legacy.wsgi_app = OpenTelemetryMiddleware(legacy.wsgi_app)

asgi_site = Starlette(middleware=[Middleware(AsgiMiddleware)])

traced_web_app = web.Application(middlewares=[otel_middleware])


def serve_traced():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), interceptors=[server_interceptor()])
    server.start()


def create_app():
    # returned unnamed: instrumented by whoever calls the factory (`public_api` shows the
    # project instruments FastAPI apps one by one)
    return FastAPI()
