# ctxlint: select = ["CTX1"]
# CTX101: FastAPI path operations, APIRouter, Starlette Route tables and HTTPEndpoint.
from fastapi import APIRouter, FastAPI, Request
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract
from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

api = FastAPI()
router = APIRouter(prefix="/items")
tracer = trace.get_tracer(__name__)


@api.get("/users/{user_id}")
async def read_user(user_id: int):
    with tracer.start_as_current_span("load-user", context=Context()):  # error: CTX101
        return {"id": user_id}


@router.post("")
def create_item(request: Request):
    token = otel_context.attach(extract({}))  # error: CTX101
    try:
        return {}
    finally:
        otel_context.detach(token)


@api.api_route("/legacy", methods=["GET", "POST"])
async def legacy():
    with tracer.start_as_current_span("legacy", context=otel_context.Context()):  # error: CTX101
        return {}


async def homepage(request):
    with tracer.start_as_current_span("render", context=Context()):  # error: CTX101
        return JSONResponse({})


async def feed(websocket):
    await websocket.accept()
    with tracer.start_as_current_span("feed", context=Context()):  # error: CTX101
        await websocket.close()


class Users(HTTPEndpoint):
    async def get(self, request):
        with tracer.start_as_current_span("users", context=Context()):  # error: CTX101
            return JSONResponse([])


app = Starlette(
    routes=[
        Route("/", homepage),
        Route("/users", Users),
        WebSocketRoute("/feed", feed),
    ]
)


# --- correct idioms: never reported -------------------------------------------------


@api.get("/ping")
async def ping():
    with tracer.start_as_current_span("ping"):
        return {}


@router.get("/{item_id}")
async def read_item(item_id: str, request: Request):
    ctx = extract(request.headers)
    with tracer.start_as_current_span("read-item", context=ctx):
        return {"item_id": item_id}


async def about(request):
    with tracer.start_as_current_span("about"):
        return JSONResponse({})


def build_payload(rows):
    # a helper, not registered as an endpoint
    with tracer.start_as_current_span("payload", context=Context()):
        return rows


class Health(HTTPEndpoint):
    async def get(self, request):
        return JSONResponse({"ok": True})


other = Starlette(routes=[Route("/about", about), Route("/health", Health)])
