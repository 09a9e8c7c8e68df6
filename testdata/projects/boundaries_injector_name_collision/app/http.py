import httpx

from app.base import AsyncClient


def service_client(url):
    return AsyncClient(httpx.AsyncClient(base_url=url))  # handed to the injecting class


class LegacyClient:
    def __init__(self, url):
        self.http = httpx.AsyncClient(base_url=url)  # error: CTX301

    async def ready(self):
        return (await self.http.get("/readyz")).status_code == 200


def probe(url):
    return httpx.AsyncClient(base_url=url)  # error: CTX301
