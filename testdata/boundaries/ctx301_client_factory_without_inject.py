# ctxlint: opentelemetry = true
# ctxlint: preview = true
# The negative of ctx301_client_factory_with_injecting_caller.py: no function of the
# module injects, so a client leaving its factory is still reported.
import aiohttp
import httpx


class SessionManager:
    def __init__(self, base_url):
        self.base_url = base_url
        self.pool = httpx.AsyncClient(base_url=base_url)  # error: CTX301

    def make_session(self):
        return aiohttp.ClientSession(base_url=self.base_url)  # error: CTX301


def build(url):
    client = httpx.Client(base_url=url)  # error: CTX301
    return client
