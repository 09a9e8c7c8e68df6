# source: open-telemetry/opentelemetry-python-contrib#392 (the fixed version)
# bug: looks like inject() into a copy of the call metadata
# fix: n/a: the copy is the metadata passed on to continuation()
# expect: none
from collections import OrderedDict, namedtuple

import grpc
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.propagators.textmap import Setter
from opentelemetry.sdk.trace import TracerProvider

trace.set_tracer_provider(TracerProvider())
tracer = trace.get_tracer("catalog.grpc")
CallDetails = namedtuple("CallDetails", ["method", "timeout", "metadata", "credentials"])


class LowerCaseSetter(Setter):
    def set(self, carrier, key, value):
        carrier[key.lower()] = value


class TracingClientInterceptor(grpc.UnaryUnaryClientInterceptor):
    def intercept_unary_unary(self, continuation, client_call_details, request):
        metadata = OrderedDict(client_call_details.metadata or ())
        with tracer.start_as_current_span(client_call_details.method, kind=trace.SpanKind.CLIENT):
            inject(metadata, setter=LowerCaseSetter())
            details = CallDetails(client_call_details.method, client_call_details.timeout,
                                  tuple(metadata.items()), client_call_details.credentials)
            return continuation(details, request)
