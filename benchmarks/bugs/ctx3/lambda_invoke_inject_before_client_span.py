# source: open-telemetry/opentelemetry-python-contrib#663 (commit 3e9adfddb)
# bug: the trace context for a Lambda Invoke is injected before the CLIENT span starts, so the invoked function's parent is the caller's outer span and the invoke span is skipped in the trace
# fix: inject inside the CLIENT span, right before the call
import base64
import json

import boto3
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("orders.invoker")
lambda_client = boto3.client("lambda")


def invoke_worker(payload):
    carrier = {}
    inject(carrier)  # expect: CTX3
    with tracer.start_as_current_span("lambda.Invoke", kind=trace.SpanKind.CLIENT):
        client_context = base64.b64encode(json.dumps({"custom": carrier}).encode()).decode()
        return lambda_client.invoke(
            FunctionName="order-worker",
            Payload=json.dumps(payload),
            ClientContext=client_context,
        )
