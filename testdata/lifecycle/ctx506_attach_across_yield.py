# CTX506: generators that yield between `context.attach` and `context.detach`.
from opentelemetry import context, propagate, trace


def consume(messages):
    for message in messages:
        token = context.attach(propagate.extract(message.headers))
        try:
            yield message  # error: CTX506
        finally:
            context.detach(token)


async def relay(messages):
    async for message in messages:
        token = context.attach(propagate.extract(message.headers))
        yield message.body  # error: CTX506
        context.detach(token)


def with_span_in_context(span, items):
    token = context.attach(trace.set_span_in_context(span))
    for item in items:
        yield item  # error: CTX506
    context.detach(token)


# --- use instead --------------------------------------------------------------------


def consume_safely(messages):
    for message in messages:
        token = context.attach(propagate.extract(message.headers))
        try:
            result = handle(message)
        finally:
            context.detach(token)
        yield result


def detach_then_yield(items):
    token = context.attach(propagate.extract(items.headers))
    first = handle(items)
    context.detach(token)
    yield first


def handle(message):
    return message
