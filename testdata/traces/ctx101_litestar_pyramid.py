# ctxlint: select = ["CTX1"]
# CTX101: Litestar handlers and controllers; Pyramid view_config and add_view.
from litestar import Controller, Litestar, get, post
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract
from pyramid.config import Configurator
from pyramid.view import view_config

tracer = trace.get_tracer(__name__)


@get("/books")
async def list_books() -> list:
    with tracer.start_as_current_span("books", context=Context()):  # error: CTX101
        return []


class BookController(Controller):
    path = "/books"

    @post()
    async def create_book(self, data: dict) -> dict:
        with tracer.start_as_current_span("create", context=extract({})):  # error: CTX101
            return data


@view_config(route_name="home", renderer="json")
def home(request):
    with tracer.start_as_current_span("home", context=Context()):  # error: CTX101
        return {}


class AccountViews:
    def __init__(self, request):
        self.request = request

    @view_config(route_name="account", renderer="json")
    def account(self):
        with tracer.start_as_current_span("account", context=Context()):  # error: CTX101
            return {}


def hello(request):
    with tracer.start_as_current_span("hello", context=Context()):  # error: CTX101
        return {}


def includeme(config: Configurator):
    config.add_route("hello", "/hello")
    config.add_view(hello, route_name="hello", renderer="json")


# --- correct idioms: never reported -------------------------------------------------


@get("/authors")
async def list_authors() -> list:
    with tracer.start_as_current_span("authors"):
        return []


@view_config(route_name="about", renderer="json")
def about(request):
    parent = extract(request.headers)
    with tracer.start_as_current_span("about", context=parent):
        return {}


class AuthorController(Controller):
    path = "/authors"

    def get(self) -> None:
        # not decorated: Litestar does not route it
        tracer.start_span("helper", context=Context()).end()


def page_title(request):
    # a helper called from views, never registered
    with tracer.start_as_current_span("title", context=Context()):
        return "title"


app = Litestar(route_handlers=[list_books, list_authors, BookController, AuthorController])
