# ctxlint: select = ["CTX4"]
# CTX406: HTTP clients created in a function and never closed, used with `with`, or handed off.
import aiohttp
import httpx
import requests
from httpx import AsyncClient


async def fetch_status(url):
    session = aiohttp.ClientSession()  # error: CTX406
    response = await session.get(url)
    return response.status


def per_request_client(url):
    client = httpx.Client(timeout=10)  # error: CTX406
    return client.get(url).json()


async def async_client(url):
    client = AsyncClient()  # error: CTX406
    response = await client.get(url)
    return response.text


def one_shot_session(url):
    return requests.Session().get(url, timeout=5).json()  # error: CTX406


def discarded():
    requests.session()  # error: CTX406


# --- correct idioms: never reported -------------------------------------------------


async def with_block(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return response.status


def closed_in_finally(url):
    session = requests.Session()
    try:
        return session.get(url, timeout=5).json()
    finally:
        session.close()


async def closed_with_aclose(url):
    client = httpx.AsyncClient()
    try:
        return (await client.get(url)).text
    finally:
        await client.aclose()


def factory():
    session = requests.Session()
    session.headers["User-Agent"] = "svc/1.0"
    return session


class Api:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()


def handed_off(pool, url):
    client = httpx.Client()
    pool.register(client)
    return url


def used_with_with(url):
    client = httpx.Client()
    with client:
        return client.get(url).text


shared_session = requests.Session()  # module level: lives as long as the process


def version_checker(stop):
    # one session for the checker thread's whole life (changedetection.io)
    session = requests.Session()
    session.verify = False
    while not stop.is_set():
        session.post("https://example.com/check", data={}, timeout=10)
        stop.wait(86400)


def checker_that_returns_early(stop):
    session = requests.Session()  # error: CTX406
    while not stop.is_set():
        session.post("https://example.com/check", data={}, timeout=10)
        stop.wait(86400)
    return "stopped"
