# CTX501 negatives: `start_span` of tracing libraries whose spans are ended differently.
import opentracing
from opentelemetry import trace

otel_tracer = trace.get_tracer(__name__)


def opentracing_span():
    # OpenTracing spans are finished with `finish()`, and this file imports OpenTracing:
    # an unresolved receiver is not assumed to be an OpenTelemetry tracer.
    span = opentracing.tracer.start_span("legacy")
    span.set_tag("k", "v")


def unresolved_receiver(client):
    span = client.tracer.start_span("unknown")
    span.set_tag("k", "v")


def sets_attributes():
    otel = otel_tracer.start_span("otel")  # error: CTX501
    otel.set_attribute("k", "v")

