from litestar import Controller, Litestar, get
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def price_of(book_id):
    with tracer.start_as_current_span("price"):  # mutate: helper
        return 10


class BookController(Controller):
    path = "/books"

    @get("/{book_id:int}")
    async def get_book(self, book_id: int) -> dict:
        with tracer.start_as_current_span("books.get"):  # mutate: handler
            return {"id": book_id, "price": price_of(book_id)}


app = Litestar(route_handlers=[BookController])
