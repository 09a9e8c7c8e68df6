# Instrumentors in the same file, in the forms real services use.
import aiohttp
import httpx
import requests
import urllib.request
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor as HttpxInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry import trace

RequestsInstrumentor().instrument()
HttpxInstrumentor().instrument(request_hook=None)
aiohttp_instrumentor = AioHttpClientInstrumentor()
aiohttp_instrumentor.instrument()
tracer = trace.get_tracer(__name__)


@tracer.start_as_current_span("calls")
def calls():
    requests.get("https://a", timeout=5)
    with httpx.Client() as client:
        client.get("https://b")
    return urllib.request.urlopen("https://c", timeout=5)  # error: CTX301


@tracer.start_as_current_span("session")
async def session():
    async with aiohttp.ClientSession() as s:
        return await s.get("https://a")
