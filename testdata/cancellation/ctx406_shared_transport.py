# ctxlint: select = ["CTX4"]
# CTX406 false-positive pattern (gradio's reverse proxy, benchmarks/PRECISION.md):
# an httpx client built on a transport made elsewhere owns no connection pool. The pool is
# the shared transport's, and closing the client would close that transport for everyone.
import httpx
import requests

_proxy_transport = httpx.AsyncHTTPTransport(retries=1)
_sync_transport = httpx.HTTPTransport()


async def reverse_proxy(url):
    proxy_client = httpx.AsyncClient(transport=_proxy_transport, timeout=httpx.Timeout(10.0))
    request = proxy_client.build_request("GET", url)
    return await proxy_client.send(request, stream=True)


def fetch_with_shared_transport(url):
    client = httpx.Client(transport=_sync_transport)
    return client.get(url).text


class Gateway:
    def __init__(self, transport):
        self.transport = transport

    async def call(self, url):
        client = httpx.AsyncClient(transport=self.transport)
        response = await client.get(url)
        return response.status_code


# --- still reported: the client owns its pool -------------------------------------------


async def own_transport(url):
    client = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(retries=2))  # error: CTX406
    response = await client.get(url)
    return response.status_code


def no_transport(url):
    client = httpx.Client()  # error: CTX406
    return client.get(url).text


def requests_session(url):
    session = requests.Session()  # error: CTX406
    return session.get(url, timeout=5).text
