# `FastAPIInstrumentor().instrument()` (and Flask's, Starlette's, aiohttp's) replaces the
# framework's class (`fastapi.FastAPI = _InstrumentedFastAPI`): a name imported from the
# framework before that call still holds the original class, and apps built from it are
# not instrumented (microsoft/ApplicationInsights-Python#274).
import fastapi
from aiohttp import web
from fastapi import FastAPI
from flask import Flask
from opentelemetry import trace
from opentelemetry.instrumentation.aiohttp_server import AioHttpServerInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.starlette import StarletteInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette

trace.set_tracer_provider(TracerProvider())
FastAPIInstrumentor().instrument()
FlaskInstrumentor().instrument()
StarletteInstrumentor().instrument()
AioHttpServerInstrumentor().instrument()

app = FastAPI()  # error: CTX302
site = Flask(__name__)  # error: CTX302
routes = Starlette()  # error: CTX302


def create_app():
    return FastAPI(title="factory")  # error: CTX302


# --- negatives: built through the module, after the class was replaced

api = fastapi.FastAPI()
web_app = web.Application()  # `web.Application` is looked up on the module when called
