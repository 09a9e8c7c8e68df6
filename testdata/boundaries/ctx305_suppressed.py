# ctxlint: preview = true
import httpx
import requests
from kafka import KafkaProducer
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.kafka import KafkaInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.utils import suppress_http_instrumentation, suppress_instrumentation

RequestsInstrumentor().instrument()
HTTPXClientInstrumentor().instrument()
KafkaInstrumentor().instrument()
producer = KafkaProducer()


def charge(payment):
    with suppress_http_instrumentation():
        return requests.post("https://billing/charge", json=payment, timeout=5)  # error: CTX305


def refresh(url):
    with httpx.Client() as client, suppress_instrumentation():
        return client.get(url)  # error: CTX305


def publish(event):
    with suppress_instrumentation():
        producer.send("events", event)  # error: CTX305


# --- negatives

def charge_traced(payment):
    with suppress_http_instrumentation():
        payload = dict(payment)
    return requests.post("https://billing/charge", json=payload, timeout=5)


def publish_http_only(event):
    with suppress_http_instrumentation():  # only HTTP is suppressed
        producer.send("events", event)


def deferred(url):
    with suppress_http_instrumentation():
        def later():  # runs later, outside the block
            return requests.get(url, timeout=5)
    return later


def injected(url):
    with suppress_http_instrumentation():
        headers = {}
        from opentelemetry import propagate

        propagate.inject(headers)
        return requests.get(url, headers=headers, timeout=5)
