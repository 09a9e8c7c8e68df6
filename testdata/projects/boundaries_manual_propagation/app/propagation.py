from opentelemetry import context, propagate


def outgoing_headers():
    carrier = {}
    propagate.inject(carrier)
    return carrier


def add_trace_headers(headers):
    propagate.inject(headers)


def start_request(headers):
    return context.attach(propagate.extract(headers))
