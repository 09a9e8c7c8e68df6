# ctxlint: opentelemetry = true
# Regression (bentoml _bentoml_impl/client/proxy2.py): the session is built in a factory
# and used by another class of the module, which injects the trace context into the
# headers of every request it sends.
import aiohttp
import httpx
from opentelemetry import propagate, trace

tracer = trace.get_tracer(__name__)


class SessionManager:
    def __init__(self, base_url):
        self.base_url = base_url
        self.pool = httpx.AsyncClient(base_url=base_url)

    def make_session(self):
        return aiohttp.ClientSession(base_url=self.base_url)


class RemoteProxy:
    def __init__(self, sessions: SessionManager):
        self.sessions = sessions

    @tracer.start_as_current_span("proxy.call")
    async def call(self, route, body):
        headers = {"content-type": "application/json"}
        propagate.inject(headers)
        async with self.sessions.make_session() as session:
            return await session.post(route, data=body, headers=headers)


@tracer.start_as_current_span("one_off")
def one_off(order_id):
    with httpx.Client() as client:  # error: CTX301
        return client.get(f"http://orders/{order_id}")
