# ctxlint: select = ["CTX4"]
# CTX403: module-wide defaults that make a missing per-call timeout fine.
import socket
import urllib.request

import requests
from requests.adapters import HTTPAdapter

socket.setdefaulttimeout(10)  # every standard-library socket below gets 10 s


class TimeoutAdapter(HTTPAdapter):
    def __init__(self, *args, timeout=10, **kwargs):
        self.timeout = timeout
        super().__init__(*args, **kwargs)

    def send(self, request, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().send(request, **kwargs)


def standard_library_uses_the_default(url, host):
    urllib.request.urlopen(url)
    socket.create_connection((host, 80))


def session_with_a_timeout_adapter(url):
    session = requests.Session()
    session.mount("https://", TimeoutAdapter(timeout=5))
    with session:
        return session.get(url)


def module_functions_still_need_one(url):
    return requests.get(url)  # error: CTX403


def explicit_none_is_still_none(url):
    return requests.get(url, timeout=None)  # error: CTX403


def stdlib_explicit_none(url):
    return urllib.request.urlopen(url, timeout=None)  # error: CTX403
