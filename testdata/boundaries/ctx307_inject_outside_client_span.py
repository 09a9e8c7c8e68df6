# CTX307: the trace context injected before the CLIENT/PRODUCER span of the call starts.
import json

import boto3
import requests
from opentelemetry import trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagate import inject

tracer = trace.get_tracer(__name__)
lambda_client = boto3.client("lambda")


def invoke_worker(payload):
    carrier = {}
    inject(carrier)  # error: CTX307
    with tracer.start_as_current_span("lambda.Invoke", kind=trace.SpanKind.CLIENT):
        return lambda_client.invoke(FunctionName="worker", ClientContext=json.dumps({"custom": carrier}))


def call_billing(session, payment):
    headers = {"idempotency-key": payment["id"]}
    inject(headers)  # error: CTX307
    with tracer.start_as_current_span("POST /charge", kind=trace.SpanKind.CLIENT):
        return session.post("http://billing/charge", json=payment, headers=headers)


def enqueue(queue, job):
    message = {"body": job, "headers": {}}
    inject(message["headers"])  # error: CTX307
    with tracer.start_as_current_span("jobs send", kind=trace.SpanKind.PRODUCER):
        queue.put(message)


# --- correct idioms: never reported -------------------------------------------------


def invoke_worker_fixed(payload):
    with tracer.start_as_current_span("lambda.Invoke", kind=trace.SpanKind.CLIENT):
        carrier = {}
        inject(carrier)
        return lambda_client.invoke(FunctionName="worker", ClientContext=json.dumps({"custom": carrier}))


def explicit_context(session, parent_context):
    headers = {}
    inject(headers, context=parent_context)
    with tracer.start_as_current_span("GET /status", kind=trace.SpanKind.CLIENT):
        return session.get("http://status", headers=headers)


def baggage_only(session, ctx):
    headers = {}
    W3CBaggagePropagator().inject(headers)
    with tracer.start_as_current_span("GET /quota", kind=trace.SpanKind.CLIENT):
        inject(headers)
        return session.get("http://quota", headers=headers)


def no_client_span(url):
    headers = {}
    inject(headers)
    with tracer.start_as_current_span("render"):
        return requests.get(url, headers=headers, timeout=5)
