# A gRPC servicer that extracts the caller's context from the invocation metadata
# itself: the server built without interceptors does not lose incoming traces.
from concurrent import futures

import grpc
from opentelemetry import propagate, trace

import helloworld_pb2_grpc

tracer = trace.get_tracer(__name__)


class Greeter(helloworld_pb2_grpc.GreeterServicer):
    def SayHello(self, request, context):
        parent = propagate.extract(dict(context.invocation_metadata()))
        with tracer.start_as_current_span("SayHello", context=parent):
            return request


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.start()
    return server
