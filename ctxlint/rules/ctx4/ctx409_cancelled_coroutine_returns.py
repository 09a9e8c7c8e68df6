"""CTX409 cancelled-coroutine-returns."""

from __future__ import annotations

from ctxlint.rules.ctx4.ctx402_swallowed_cancellation import SwallowedCancellation


class CancelledCoroutineReturns(SwallowedCancellation):
    """## What it does
    Reports, in an `async def` that returns nothing, an `except asyncio.CancelledError:`
    (the cancellation alone, not mixed with other errors) that ends the coroutine normally:
    the handler ends in `return`, or its `try` is the last statement of the body, with only
    logging after it. The part of CTX402 that is a coroutine's stop path as often as a bug.

    ## Why is this bad?
    A coroutine cancelled this way returns `None` as if it had finished: a caller that
    awaits it under `asyncio.timeout()`, `wait_for` or a `TaskGroup` never sees its
    deadline or its group's cancellation, and an owner that cancelled its task cannot tell
    the cancel from a clean exit (`task.cancelled()` is false, `await task` returns). When
    the coroutine is a task root that only its owner stops, it does no harm.
    """

    code = "CTX409"
    name = "cancelled-coroutine-returns"
    preview = True
    STOP_PATH = True
    example = """
    import asyncio

    class Connection:
        async def read_loop(self, reader, handle):
            try:
                while True:
                    await handle(await reader.readline())
            except asyncio.CancelledError:
                pass
    """
    use_instead = """
    import asyncio

    class Connection:
        async def read_loop(self, reader, handle):
            try:
                while True:
                    await handle(await reader.readline())
            finally:
                self.closed = True
    """
    known_limits = """
    Everything CTX402 exempts is exempt here too (the self-cancelled task, a task body this
    module starts with `create_task`, `-> NoReturn`, CLI commands, a `try` that only waits
    for its cancellation). Why preview: whether such a handler hurts depends on who awaits
    the coroutine, which the linted file cannot see. On the precision corpora both findings
    were task roots started by their framework (prefect's service `start()`, tornado's
    websocket `accept_connection`), stopped exactly as their owner asked
    (benchmarks/precision/ctx4-ctx5.md); pypck's read loop (a real bug upstream) has the
    same shape.
    """
