from concurrent import futures

import grpc
from opentelemetry import trace

import greeter_pb2
import greeter_pb2_grpc

tracer = trace.get_tracer(__name__)


def compose(name):
    with tracer.start_as_current_span("compose"):  # mutate: helper
        return f"Hello, {name}!"


class Greeter(greeter_pb2_grpc.GreeterServicer):
    def SayHello(self, request, context):
        with tracer.start_as_current_span("greet"):  # mutate: handler
            return greeter_pb2.HelloReply(message=compose(request.name))


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    greeter_pb2_grpc.add_GreeterServicer_to_server(Greeter(), server)
    server.add_insecure_port("[::]:50051")
    server.start()
    server.wait_for_termination()
