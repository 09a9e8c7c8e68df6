# source: open-telemetry/opentelemetry-python-contrib#4216 (commit 65a113401)
# bug: API Gateway passes request headers with the client's casing ("Traceparent"); extract() with the default dict getter looks up "traceparent" only, gets nothing, and the handler span starts a new trace
# fix: wrap the event headers in a case-insensitive dict (CIDict) before extract()
from opentelemetry import trace
from opentelemetry.propagate import get_global_textmap

tracer = trace.get_tracer("profile.lambda")


def lambda_handler(event, context):
    headers = event.get("headers")
    if not isinstance(headers, dict):
        headers = {}
    parent = get_global_textmap().extract(headers)
    with tracer.start_as_current_span(  # expect: CTX1
        "GET /profile", context=parent, kind=trace.SpanKind.SERVER
    ):
        return {"statusCode": 200, "body": "{}"}
