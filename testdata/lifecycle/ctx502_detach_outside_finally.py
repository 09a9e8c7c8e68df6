# ctxlint: preview
# CTX502 (preview strictness): `detach` outside a `finally` while the code in between can raise.
from opentelemetry import context, propagate


def detach_not_in_finally(message):
    token = context.attach(propagate.extract(message.headers))  # error: CTX502
    process(message)
    context.detach(token)


def detach_after_a_loop(messages):
    token = context.attach(propagate.extract(messages.headers))  # error: CTX502
    for message in messages:
        process(message)
    context.detach(token)


async def detach_after_await(message):
    token = context.attach(propagate.extract(message.headers))  # error: CTX502
    await message.ack()
    context.detach(token)


def never_detached(message):
    token = context.attach(propagate.extract(message.headers))  # error: CTX502
    process(message)


# --- use instead --------------------------------------------------------------------


def in_finally(message):
    token = context.attach(propagate.extract(message.headers))
    try:
        process(message)
    finally:
        context.detach(token)


def nothing_in_between(message):
    token = context.attach(propagate.extract(message.headers))
    context.detach(token)


def detached_on_both_paths(message):
    token = context.attach(propagate.extract(message.headers))
    try:
        process(message)
    except Exception:
        context.detach(token)
        raise
    context.detach(token)


def everything_in_between_is_caught(message, exporter):
    # opentelemetry-sdk's metric reader: only a BaseException gets past `except Exception`.
    token = context.attach(propagate.extract(message.headers))
    try:
        exporter.export(message)
    except Exception:
        exporter.log_failure(message)
    context.detach(token)


def handed_off(message, registry):
    token = context.attach(propagate.extract(message.headers))
    registry.remember(token)
    process(message)
    context.detach(token)


def process(message):
    return message
