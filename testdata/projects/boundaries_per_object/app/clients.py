import aiohttp
import httpx
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry import trace
from opentelemetry.instrumentation.httpx import AsyncOpenTelemetryTransport, HTTPXClientInstrumentor

tracer = trace.get_tracer(__name__)

payments = httpx.Client(base_url="https://payments")
HTTPXClientInstrumentor.instrument_client(payments)

search = httpx.AsyncClient(transport=AsyncOpenTelemetryTransport(httpx.AsyncHTTPTransport()))

reports = httpx.Client(base_url="https://reports")  # error: CTX301


async def fetch(url):
    async with aiohttp.ClientSession(trace_configs=[create_trace_config()]) as session:
        return await session.get(url)


async def fetch_untraced(day):
    async with aiohttp.ClientSession() as session:  # error: CTX301
        return await session.get(f"https://archive/{day}")


@tracer.start_as_current_span("daily_report")
async def daily_report(day):
    payments.get(f"/payments/{day}")
    await search.get(f"/search/{day}")
    await fetch(f"https://ledger/{day}")
    await fetch_untraced(day)
    return reports.get(f"/reports/{day}")
