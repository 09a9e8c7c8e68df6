"""Sends captured events to the backend (sentry-sdk's HttpTransport pattern)."""
import httpx
import requests
import urllib3
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class HttpTransport:
    def __init__(self, dsn):
        self.dsn = dsn
        self._pool = urllib3.PoolManager(num_pools=2)

    def send(self, envelope):
        with tracer.start_as_current_span("eventsdk.send"):
            return self._pool.request("POST", self.dsn, body=envelope)


def fetch_config(url):
    return requests.get(url, timeout=5).json()


def api_client(base_url, http_client=None):
    return http_client or httpx.Client(base_url=base_url, timeout=30)
