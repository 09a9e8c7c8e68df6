# ctxlint: instrumented = ["requests", "httpx"]
# requests and httpx are instrumented outside this repository (say, by a platform
# sitecustomize): only aiohttp and urllib3 are reported.
import aiohttp
import httpx
import requests
import urllib3
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


@tracer.start_as_current_span("calls")
def calls():
    requests.get("https://a", timeout=5)
    httpx.get("https://a")
    with httpx.Client() as client:
        client.get("https://b")
    return urllib3.PoolManager().request("GET", "http://ledger/entries")  # error: CTX301


@tracer.start_as_current_span("session")
async def session():
    async with aiohttp.ClientSession() as s:  # error: CTX301
        return await s.get("https://a")
