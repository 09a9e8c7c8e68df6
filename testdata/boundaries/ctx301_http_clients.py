# An OpenTelemetry project in which no HTTP client library is instrumented globally.
# Every function runs as traced work (inside its own span), so a trace reaches each call.
import http.client
import urllib.request
from urllib.request import urlopen as open_url

import aiohttp
import httpx
import requests
import urllib3
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor, SyncOpenTelemetryTransport
from requests import get as fetch
from tornado.httpclient import AsyncHTTPClient

tracer = trace.get_tracer(__name__)


@tracer.start_as_current_span("profile")
def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", timeout=5)  # error: CTX301


@tracer.start_as_current_span("profile_aliased")
def profile_aliased(user_id):
    return fetch(f"https://profiles/{user_id}", timeout=5)  # error: CTX301


@tracer.start_as_current_span("session_calls")
def session_calls():
    with requests.Session() as session:  # error: CTX301
        session.get("https://a", timeout=5)  # one finding per client, not per request
        session.post("https://b", timeout=5)


@tracer.start_as_current_span("async_client")
async def async_client():
    async with httpx.AsyncClient() as client:  # error: CTX301
        return await client.get("https://a")


@tracer.start_as_current_span("aiohttp_session")
async def aiohttp_session():
    async with aiohttp.ClientSession() as session:  # error: CTX301
        return await session.get("https://a")


@tracer.start_as_current_span("pool")
def pool():
    return urllib3.PoolManager().request("GET", "https://a", timeout=5)  # error: CTX301


@tracer.start_as_current_span("stdlib")
def stdlib(path):
    with urllib.request.urlopen(f"http://ledger{path}", timeout=5) as response:  # error: CTX301
        return response.read()


@tracer.start_as_current_span("stdlib_aliased")
def stdlib_aliased():
    return open_url(urllib.request.Request("http://ledger.internal/entries"), timeout=5)  # error: CTX301


@tracer.start_as_current_span("raw_connection")
def raw_connection():
    connection = http.client.HTTPSConnection("billing", timeout=5)  # error: CTX301
    connection.request("GET", "/")


@tracer.start_as_current_span("tornado_fetch")
async def tornado_fetch(order_id):
    return await AsyncHTTPClient().fetch(f"http://10.0.4.7:8080/orders/{order_id}")  # error: CTX301


@tracer.start_as_current_span("function_level_import")
def function_level_import():
    import httpx as hx

    return hx.post("https://a", json={})  # error: CTX301


# --- negatives: instrumented per object, or propagated by hand

@tracer.start_as_current_span("transport_instrumented")
def transport_instrumented():
    return httpx.Client(transport=SyncOpenTelemetryTransport(httpx.HTTPTransport()))


@tracer.start_as_current_span("transport_variable")
def transport_variable():
    transport = SyncOpenTelemetryTransport(httpx.HTTPTransport())
    return httpx.Client(transport=transport)


@tracer.start_as_current_span("trace_configs")
async def trace_configs():
    async with aiohttp.ClientSession(trace_configs=[create_trace_config()]) as session:
        return await session.get("https://a")


@tracer.start_as_current_span("instrumented_client")
def instrumented_client():
    billing = httpx.Client()
    HTTPXClientInstrumentor.instrument_client(billing)
    return billing.get("https://billing")


@tracer.start_as_current_span("injected")
def injected(url, payload):
    headers = {"content-type": "application/json"}
    propagate.inject(headers)
    return requests.post(url, json=payload, headers=headers, timeout=5)


@tracer.start_as_current_span("injected_after_construction")
def injected_after_construction(url):
    carrier = {}
    with requests.Session() as session:
        propagate.inject(carrier)
        return session.get(url, headers=carrier, timeout=5)


def trace_headers():
    carrier = {}
    propagate.inject(carrier)
    return carrier


@tracer.start_as_current_span("helper_injects")
def helper_injects(url):
    return requests.get(url, headers=trace_headers(), timeout=5)


class Gateway:
    """The session is built in __init__, the headers injected per request."""

    def __init__(self):
        self._session = requests.Session()

    def call(self, url):
        headers = {}
        propagate.inject(headers)
        return self._session.get(url, headers=headers, timeout=5)


class RetryingSession(requests.Session):  # a subclass definition builds nothing
    pass


@tracer.start_as_current_span("request_object")
def request_object(url):
    return requests.Request("GET", url)  # a Request is not sent by itself


get_profile = requests.get  # a reference, not a call
