# CTX502: context tokens from `context.attach` that are never detached.
from opentelemetry import baggage, context, propagate
from opentelemetry import context as otel_context
from opentelemetry.context import attach, detach


def discarded(message):
    context.attach(propagate.extract(message.headers))  # error: CTX502
    process(message)


def bound_never_detached(message):
    token = attach(baggage.set_baggage("tenant", message.tenant))  # error: CTX502
    process(message)
    return token is not None


def aliased_module(message):
    token = otel_context.attach(propagate.extract(message.headers))  # error: CTX502
    if token:
        process(message)


class Middleware:
    """The token lives on the request and is detached when the response is done: a Django
    middleware split that fails under ASGI, where each hook runs in its own context copy
    (opentelemetry-python-contrib#4102; see ctx502_detached_elsewhere.py)."""

    def process_request(self, request):
        request.otel_token = context.attach(propagate.extract(request.headers))  # error: CTX502

    def process_response(self, request, response):
        context.detach(request.otel_token)
        return response


# --- use instead --------------------------------------------------------------------


def detached_in_finally(message):
    token = context.attach(propagate.extract(message.headers))
    try:
        process(message)
    finally:
        context.detach(token)


def detached_right_away(message):
    token = attach(propagate.extract(message.headers))
    detach(token)


def stored_then_detached(self, message):
    token = context.attach(propagate.extract(message.headers))
    self._tokens.append(token)


def returned_to_the_caller(message):
    return context.attach(propagate.extract(message.headers))


def process(message):
    return message
