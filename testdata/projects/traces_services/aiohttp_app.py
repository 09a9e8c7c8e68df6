from aiohttp import web
from opentelemetry import trace

routes = web.RouteTableDef()
tracer = trace.get_tracer(__name__)


async def fetch_profile(name):
    with tracer.start_as_current_span("profile.fetch"):  # mutate: helper
        return {"name": name}


@routes.get("/profiles/{name}")
async def profile(request):
    with tracer.start_as_current_span("profile.get"):  # mutate: handler
        return web.json_response(await fetch_profile(request.match_info["name"]))


def create_app():
    app = web.Application()
    app.add_routes(routes)
    return app


if __name__ == "__main__":
    web.run_app(create_app())
