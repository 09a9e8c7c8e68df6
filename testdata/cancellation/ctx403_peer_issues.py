# ctxlint: select = ["CTX4"]
# CTX403 against cases from peers' issue trackers (knowledge/python-peers.md §7).
import requests


def session_factory(url):
    # astral-sh/ruff#14102: `requests.session()` then `s.get(...)` (S113 misses it)
    s = requests.session()
    try:
        return s.get(url)  # error: CTX403
    finally:
        s.close()


def session_class(url, payload):
    # astral-sh/ruff#16619, pylint-dev/pylint#9517: `requests.Session` methods
    with requests.Session() as session:
        session.put(url, json=payload)  # error: CTX403
        session.request("PATCH", url, json=payload)  # error: CTX403


class Client:
    # DefectDojo PR #11198: session calls had to be fixed by hand after enabling S113
    def __init__(self):
        self.session = requests.Session()

    def get(self, path):
        return self.session.get("https://api.example" + path)  # error: CTX403


# --- must not be reported -----------------------------------------------------------


def timeout_in_a_dict_splat(url, kwargs):
    # semgrep/semgrep-rules#503: the timeout comes from `**{"timeout": ..., **kwargs}`
    return requests.get(url, **{"timeout": 10, **kwargs})


def timeout_positional_in_session_request(url):
    # `Session.request(method, url, params, data, headers, cookies, files, auth, timeout)`
    with requests.Session() as s:
        return s.request("GET", url, None, None, None, None, None, None, 5)


def prepared_request_with_timeout(url):
    with requests.Session() as s:
        return s.send(s.prepare_request(requests.Request("GET", url)), timeout=5)
