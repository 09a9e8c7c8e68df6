# source: open-telemetry/opentelemetry-python-contrib#1657 (reverted by #1911)
# bug: the Lambda handler span takes the X-Ray environment trace only as a Link and parents on the event headers; for invocations whose only parent is the X-Ray one (SQS, SNS, direct invoke) every invocation became a new trace
# fix: reverted: use the X-Ray environment context as the parent when it is sampled, fall back to the event headers
import os

from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.propagators.aws.aws_xray_propagator import (
    TRACE_HEADER_KEY,
    AwsXRayPropagator,
)
from opentelemetry.trace import Link

tracer = trace.get_tracer("invoices.lambda")


def _xray_links():
    header = os.environ.get("_X_AMZN_TRACE_ID")
    if not header:
        return None
    env_context = AwsXRayPropagator().extract({TRACE_HEADER_KEY: header})
    span_context = trace.get_current_span(env_context).get_span_context()
    return [Link(span_context, {"source": "x-ray-env"})] if span_context.is_valid else None


def lambda_handler(event, context):
    parent = extract(event.get("headers") or {})
    with tracer.start_as_current_span(  # expect: CTX1
        context.function_name,
        context=parent,
        kind=trace.SpanKind.SERVER,
        links=_xray_links(),
    ):
        return {"statusCode": 200}
