from opentelemetry import trace
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

tracer = trace.get_tracer(__name__)


def serialize(user_id):
    with tracer.start_as_current_span("serialize"):  # mutate: helper
        return {"id": user_id}


async def user_detail(request):
    user_id = request.path_params["user_id"]
    with tracer.start_as_current_span("users.detail"):  # mutate: handler
        return JSONResponse(serialize(user_id))


app = Starlette(routes=[Mount("/users", routes=[Route("/{user_id:int}", user_detail)])])
