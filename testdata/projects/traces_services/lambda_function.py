import json

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def parse(body):
    with tracer.start_as_current_span("parse"):  # mutate: helper
        return json.loads(body or "{}")


def lambda_handler(event, context):
    with tracer.start_as_current_span("lambda.invoke"):  # mutate: handler
        return {"statusCode": 200, "body": json.dumps(parse(event.get("body")))}
