import aiohttp
import httpx
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.instrumentation.httpx import AsyncOpenTelemetryTransport, HTTPXClientInstrumentor

payments = httpx.Client(base_url="https://payments")
HTTPXClientInstrumentor.instrument_client(payments)

search = httpx.AsyncClient(transport=AsyncOpenTelemetryTransport(httpx.AsyncHTTPTransport()))

reports = httpx.Client(base_url="https://reports")  # error: CTX301


async def fetch(url):
    async with aiohttp.ClientSession(trace_configs=[create_trace_config()]) as session:
        return await session.get(url)


async def fetch_untraced(url):
    async with aiohttp.ClientSession() as session:  # error: CTX301
        return await session.get(url)
