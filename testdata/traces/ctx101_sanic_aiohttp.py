# ctxlint: select = ["CTX1"]
# CTX101: Sanic handlers and HTTPMethodView; aiohttp RouteTableDef, web.View, router.add_*.
import contextvars

from aiohttp import web
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract
from sanic import Sanic
from sanic.response import json
from sanic.views import HTTPMethodView

sanic_app = Sanic("orders")
routes = web.RouteTableDef()
tracer = trace.get_tracer(__name__)


@sanic_app.get("/orders/<order_id>")
async def get_order(request, order_id):
    with tracer.start_as_current_span("get-order", context=Context()):  # error: CTX101
        return json({})


class OrderView(HTTPMethodView):
    async def post(self, request):
        with tracer.start_as_current_span("create-order", context=extract({})):  # error: CTX101
            return json({})


@routes.get("/status")
async def status(request):
    with tracer.start_as_current_span("status", context=Context()):  # error: CTX101
        return web.json_response({})


class ReportView(web.View):
    async def get(self):
        with tracer.start_as_current_span("report", context=Context()):  # error: CTX101
            return web.json_response({})


async def download(request):
    empty = contextvars.Context()
    empty.run(print, "download")  # error: CTX101
    return web.Response()


async def upload(request):
    with tracer.start_as_current_span("upload", context=Context()):  # error: CTX101
        return web.Response()


def make_app():
    application = web.Application()
    application.router.add_get("/download", download)
    application.add_routes([web.post("/upload", upload), web.view("/report", ReportView)])
    application.add_routes(routes)
    return application


sanic_app.add_route(OrderView.as_view(), "/orders")


# --- correct idioms: never reported -------------------------------------------------


@sanic_app.route("/ping")
async def sanic_ping(request):
    with tracer.start_as_current_span("ping"):
        return json({})


@routes.post("/events")
async def events(request):
    parent = extract(request.headers)
    with tracer.start_as_current_span("event", context=parent, kind=trace.SpanKind.SERVER):
        return web.Response()


async def ready(request):
    ctx = contextvars.copy_context()
    ctx.run(print, "ready")
    return web.Response()


def startup_check():
    # not registered anywhere: no parent context
    with tracer.start_as_current_span("startup-check", context=Context()):
        pass


def make_other_app():
    application = web.Application()
    application.router.add_get("/ready", ready)
    return application
