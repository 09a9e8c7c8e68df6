# ctxlint: select = ["CTX4"]
# CTX403: blocking network calls that can wait forever.
import ftplib
import http.client
import smtplib
import socket
import urllib.request

import aiohttp
import httpx
import requests
from requests import Session
from requests import post as send


def module_functions(url, payload):
    requests.get(url)  # error: CTX403
    send(url, json=payload)  # error: CTX403
    requests.request("DELETE", url, timeout=None)  # error: CTX403


def session_methods(url):
    session = requests.Session()
    with session:
        session.get(url)  # error: CTX403
        session.post(url, data=b"x")  # error: CTX403
    with requests.session() as factory_made:
        factory_made.head(url)  # error: CTX403


class ProfileClient:
    def __init__(self):
        self.http = Session()

    def fetch(self, user_id):
        return self.http.get(f"https://profiles/{user_id}").json()  # error: CTX403


def annotated(session: requests.Session, url):
    return session.request("GET", url)  # error: CTX403


def standard_library(host):
    urllib.request.urlopen(f"https://{host}/health")  # error: CTX403
    http.client.HTTPSConnection(host)  # error: CTX403
    socket.create_connection((host, 443))  # error: CTX403
    smtplib.SMTP(host)  # error: CTX403
    ftplib.FTP(host)  # error: CTX403


def httpx_without_a_limit(url):
    httpx.get(url, timeout=None)  # error: CTX403
    client = httpx.Client(timeout=None)  # error: CTX403
    with httpx.Client() as pooled:
        pooled.get(url, timeout=None)  # error: CTX403
    return client, httpx.Timeout(None)  # error: CTX403


async def aiohttp_without_a_limit(url):
    timeout = aiohttp.ClientTimeout()  # error: CTX403
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await session.get(url, timeout=aiohttp.ClientTimeout(total=None))  # error: CTX403


# --- correct idioms: never reported -------------------------------------------------


def with_timeouts(url, host):
    requests.get(url, timeout=5)
    requests.post(url, timeout=(3.05, 27))
    urllib.request.urlopen(url, None, 10)
    http.client.HTTPConnection(host, 80, 10)
    socket.create_connection((host, 443), timeout=2.5)
    smtplib.SMTP(host, timeout=30)


def ftp_connects_later(host):
    ftp = ftplib.FTP()  # no host: nothing is connected until `connect`, which takes the timeout
    ftp.connect(host, 21, 10)
    return ftp


def timeout_through_kwargs(url, **kwargs):
    settings = {"timeout": 10}
    requests.get(url, **settings)
    with requests.Session() as session:
        return session.get(url, **kwargs)


def httpx_default_timeout(url):
    httpx.get(url)  # httpx defaults to 5 seconds everywhere
    with httpx.Client() as client:
        client.get(url)
    return httpx.Timeout(None, connect=5.0)


async def aiohttp_with_limits(url):
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=None, sock_read=10)) as response:
            return await response.text()


def unknown_receiver(client, url):
    return client.get(url)  # not known to be a requests.Session


class TimeoutSession(requests.Session):
    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, **kwargs)


def subclass_with_default(url):
    with TimeoutSession() as session:
        return session.get(url)
