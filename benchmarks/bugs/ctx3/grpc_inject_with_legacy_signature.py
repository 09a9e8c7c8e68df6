# source: open-telemetry/opentelemetry-python-contrib#392 (commit c9bca4e88)
# bug: the gRPC client interceptor still calls inject(setter_function, metadata) after the API became inject(carrier, context, setter); the setter function is taken as the carrier, so no traceparent reaches the metadata that is sent
# fix: inject(mutable_metadata, setter=CarrierSetter()) with a setter that lower-cases keys
from collections import OrderedDict, namedtuple

import grpc
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("catalog.grpc")
CallDetails = namedtuple("CallDetails", ["method", "timeout", "metadata", "credentials"])


def _inject_span_context(metadata):
    def append_metadata(carrier, key, value):
        metadata[key] = value

    inject(append_metadata, metadata)  # expect: CTX3


class TracingClientInterceptor(grpc.UnaryUnaryClientInterceptor):
    def intercept_unary_unary(self, continuation, client_call_details, request):
        metadata = OrderedDict(client_call_details.metadata or ())
        with tracer.start_as_current_span(client_call_details.method, kind=trace.SpanKind.CLIENT):
            _inject_span_context(metadata)
            details = CallDetails(client_call_details.method, client_call_details.timeout,
                                  tuple(metadata.items()), client_call_details.credentials)
            return continuation(details, request)
