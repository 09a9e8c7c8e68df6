import requests
from opentelemetry import propagate, trace

from app.propagation import add_trace_headers, outgoing_headers

tracer = trace.get_tracer(__name__)


@tracer.start_as_current_span("profile")
def profile(user_id):
    return requests.get(f"https://profiles/{user_id}", headers=outgoing_headers(), timeout=5)


@tracer.start_as_current_span("charge")
def charge(payment):
    headers = {"idempotency-key": payment["id"]}
    add_trace_headers(headers)
    return requests.post("https://billing/charge", json=payment, headers=headers, timeout=5)


@tracer.start_as_current_span("refund")
def refund(payment):
    headers = {}
    propagate.inject(headers)
    return requests.post("https://billing/refund", json=payment, headers=headers, timeout=5)


@tracer.start_as_current_span("notify")
def notify(payment):
    return requests.post("https://notify/sent", json=payment, timeout=5)  # error: CTX301


class BillingClient:
    def __init__(self):
        self.session = requests.Session()

    @tracer.start_as_current_span("billing.charge")
    def charge(self, payment):
        return self.session.post("https://billing/charge", json=payment, headers=outgoing_headers(), timeout=5)
