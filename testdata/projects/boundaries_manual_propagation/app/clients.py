import requests
from opentelemetry import propagate

from app.propagation import add_trace_headers, outgoing_headers


def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", headers=outgoing_headers(), timeout=5)


def charge(payment):
    headers = {"idempotency-key": payment["id"]}
    add_trace_headers(headers)
    return requests.post("https://billing/charge", json=payment, headers=headers, timeout=5)


def refund(payment):
    headers = {}
    propagate.inject(headers)
    return requests.post("https://billing/refund", json=payment, headers=headers, timeout=5)


def notify(payment):
    return requests.post("https://notify/sent", json=payment, timeout=5)  # error: CTX301


class BillingClient:
    def __init__(self):
        self.session = requests.Session()

    def charge(self, payment):
        return self.session.post("https://billing/charge", json=payment, headers=outgoing_headers(), timeout=5)
