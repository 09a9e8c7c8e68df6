# ctxlint: opentelemetry = true
# The negative of ctx301_client_factory_with_injecting_caller.py: no function of the
# module injects, so a client leaving its factory is still reported.
import aiohttp
import httpx
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class SessionManager:
    def __init__(self, base_url):
        self.base_url = base_url
        self.pool = httpx.AsyncClient(base_url=base_url)  # error: CTX301

    def make_session(self):
        return aiohttp.ClientSession(base_url=self.base_url)  # error: CTX301


def build(url):
    client = httpx.Client(base_url=url)  # error: CTX301
    return client


class RemoteProxy:
    """Sends with both clients while handling traced work, injecting nothing."""

    def __init__(self, sessions: SessionManager):
        self.sessions = sessions

    @tracer.start_as_current_span("proxy.call")
    async def call(self, route, body):
        async with self.sessions.make_session() as session:
            await session.post(route, data=body)
        await self.sessions.pool.post(route, content=body)
        return build(route).get("/")
