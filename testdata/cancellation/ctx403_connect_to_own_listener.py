# ctxlint: select = ["CTX4"]
# CTX403 false-positive pattern (distributed's IPv6 probe, benchmarks/PRECISION.md):
# connecting to a socket this process is itself listening on completes from the kernel's
# backlog before any accept(), so it cannot hang and needs no timeout.
import socket


def has_ipv6():
    server = client = None
    try:
        server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        server.bind(("::", 0))
        server.listen(5)
        client = socket.create_connection(server.getsockname()[:2])
        return True
    except OSError:
        return False
    finally:
        if client is not None:
            client.close()
        if server is not None:
            server.close()


def socketpair_fallback():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    address = listener.getsockname()
    writer = socket.create_connection(address)
    reader, _ = listener.accept()
    listener.close()
    return reader, writer


def loopback_pair(listener):
    return socket.create_connection(address=listener.getsockname())


# --- still reported: a remote peer can accept and never answer -------------------------


def probe(host, port):
    return socket.create_connection((host, port))  # error: CTX403


def connect_to_peer_of(conn):
    return socket.create_connection(conn.getpeername())  # error: CTX403


def connect_to_configured(settings):
    address = (settings.host, settings.port)
    return socket.create_connection(address)  # error: CTX403
