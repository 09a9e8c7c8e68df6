from opentelemetry import trace
from pyramid.config import Configurator
from pyramid.view import view_config

tracer = trace.get_tracer(__name__)


def greeting_for(name):
    with tracer.start_as_current_span("greeting"):  # mutate: helper
        return f"Hello {name}"


@view_config(route_name="hello", renderer="json")
def hello(request):
    with tracer.start_as_current_span("hello"):  # mutate: handler
        return {"message": greeting_for(request.matchdict["name"])}


def main(global_config, **settings):
    with Configurator(settings=settings) as config:
        config.add_route("hello", "/hello/{name}")
        config.scan()
        return config.make_wsgi_app()
