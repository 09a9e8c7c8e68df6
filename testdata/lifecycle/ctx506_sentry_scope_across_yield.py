# ctxlint: select = ["CTX5"]
# CTX506: Sentry's scope and span context managers held across `yield`
# (getsentry/sentry-python#4925): the scope stays current in the consumer between items,
# and an async generator closed by the event loop's finalizer resets it from another
# context ("Token ... was created in a different Context").
from contextlib import asynccontextmanager

import sentry_sdk
from sentry_sdk import isolation_scope


async def stream_rows(db, query):
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("query", query)
        async for row in db.iterate(query):
            yield row  # error: CTX506


def read_pages(client):
    with isolation_scope():
        for page in client.pages():
            yield page  # error: CTX506


async def export(items):
    with sentry_sdk.start_span(op="export", name="export"):
        for item in items:
            yield item  # error: CTX506


# --- not reported ---------------------------------------------------------------------


async def per_item(db, query):
    async for row in db.iterate(query):
        with sentry_sdk.new_scope() as scope:
            scope.set_tag("query", query)
            enriched = dict(row)
        yield enriched


@asynccontextmanager
async def scoped(tag):
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("tag", tag)
        yield scope  # the yield is the caller's `with` body


async def not_a_generator(items):
    with sentry_sdk.start_span(op="sum"):
        return sum(items)
