import httpx
from opentelemetry import trace

from app.base import AsyncClient

tracer = trace.get_tracer(__name__)


def service_client(url):
    return AsyncClient(httpx.AsyncClient(base_url=url))  # handed to the injecting class


class LegacyClient:
    def __init__(self, url):
        self.http = httpx.AsyncClient(base_url=url)  # error: CTX301

    async def ready(self):
        return (await self.http.get("/readyz")).status_code == 200

    @tracer.start_as_current_span("legacy.orders")
    async def orders(self):
        return (await self.http.get("/orders")).json()


def probe(url):
    return httpx.AsyncClient(base_url=url)  # error: CTX301


@tracer.start_as_current_span("probe_all")
async def probe_all(urls):
    return [await probe(url).get("/") for url in urls]
