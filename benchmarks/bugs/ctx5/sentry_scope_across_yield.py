# source: getsentry/sentry-python#4925 (workaround: PR #4928, commit 4325802 "Handle ValueError in scope resets")
# bug: an async generator yields while inside sentry_sdk.new_scope(); when the consumer stops early the generator is closed by the asyncgen finalizer in another context and the scope ContextVar reset raises "Token ... was created in a different Context" (the SDK now only swallows it and leaves the scope to GC)
# fix: keep the scope (or span) block free of yield: do the scoped work per item, or close the generator with contextlib.aclosing in the consumer's task
from typing import AsyncIterator

import sentry_sdk


async def stream_rows(db, query: str) -> AsyncIterator[dict]:
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("query", query)
        async for row in db.iterate(query):
            yield row  # expect: CTX5
