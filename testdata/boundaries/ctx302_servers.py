# An OpenTelemetry project with no server framework instrumented globally, nor any
# application of these frameworks instrumented one by one (see
# ctx302_apps_instrumented_one_by_one.py).
import falcon
import grpc
import tornado.web
from aiohttp import web
from concurrent import futures
from django.core.wsgi import get_wsgi_application
from fastapi import FastAPI
from flask import Flask
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware as AsgiMiddleware
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


# --- negatives: wrapped in the WSGI/ASGI middleware

wrapped = OpenTelemetryMiddleware(Flask("wrapped"))

legacy = Flask("legacy")
legacy.wsgi_app = OpenTelemetryMiddleware(legacy.wsgi_app)

asgi_site = Starlette(middleware=[Middleware(AsgiMiddleware)])
