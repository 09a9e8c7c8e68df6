from concurrent import futures

import grpc
from opentelemetry.instrumentation.grpc import aio_server_interceptor, server_interceptor


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), interceptors=[server_interceptor()])
    server.start()
    return server


def serve_admin():
    # servers are given interceptors one by one: the admin port is left out on purpose
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    server.start()
    return server


async def serve_async():
    interceptors = [aio_server_interceptor()]
    server = grpc.aio.server(interceptors=interceptors)
    await server.start()
    return server
