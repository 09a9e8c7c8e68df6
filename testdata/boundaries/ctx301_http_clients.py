# ctxlint: preview = true
# An OpenTelemetry project in which no HTTP client library is instrumented globally.
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


def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", timeout=5)  # error: CTX301


def profile_aliased(user_id):
    return fetch(f"https://profiles/{user_id}", timeout=5)  # error: CTX301


def session_calls():
    with requests.Session() as session:  # error: CTX301
        session.get("https://a", timeout=5)  # one finding per client, not per request
        session.post("https://b", timeout=5)


async def async_client():
    async with httpx.AsyncClient() as client:  # error: CTX301
        return await client.get("https://a")


async def aiohttp_session():
    async with aiohttp.ClientSession() as session:  # error: CTX301
        return await session.get("https://a")


def pool():
    return urllib3.PoolManager().request("GET", "https://a", timeout=5)  # error: CTX301


def stdlib(url):
    with urllib.request.urlopen(url, timeout=5) as response:  # error: CTX301
        return response.read()


def stdlib_aliased(url):
    return open_url(url, timeout=5)  # error: CTX301


def raw_connection():
    connection = http.client.HTTPSConnection("api.example.com", timeout=5)  # error: CTX301
    connection.request("GET", "/")


async def tornado_fetch(url):
    return await AsyncHTTPClient().fetch(url)  # error: CTX301


def function_level_import():
    import httpx as hx

    return hx.post("https://a", json={})  # error: CTX301


# --- negatives: instrumented per object, or propagated by hand

def transport_instrumented():
    return httpx.Client(transport=SyncOpenTelemetryTransport(httpx.HTTPTransport()))


def transport_variable():
    transport = SyncOpenTelemetryTransport(httpx.HTTPTransport())
    return httpx.Client(transport=transport)


async def trace_configs():
    async with aiohttp.ClientSession(trace_configs=[create_trace_config()]) as session:
        return await session.get("https://a")


def instrumented_client():
    billing = httpx.Client()
    HTTPXClientInstrumentor.instrument_client(billing)
    return billing.get("https://billing")


def injected(url, payload):
    headers = {"content-type": "application/json"}
    propagate.inject(headers)
    return requests.post(url, json=payload, headers=headers, timeout=5)


def injected_after_construction(url):
    carrier = {}
    with requests.Session() as session:
        propagate.inject(carrier)
        return session.get(url, headers=carrier, timeout=5)


def trace_headers():
    carrier = {}
    propagate.inject(carrier)
    return carrier


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


def request_object(url):
    return requests.Request("GET", url)  # a Request is not sent by itself


get_profile = requests.get  # a reference, not a call
