# ctxlint: select = ["CTX4"]
# CTX401: tasks created inline in the argument of `asyncio.wait(...)` with a timeout or a
# `return_when` other than ALL_COMPLETED, whose `pending` set is then dropped
# (omnigent#1945): `wait` returns while some are still running, and nobody holds them.
# The plain inline form without timeout/return_when waits for all of them (ruff's RUF006
# fixture treats it as fine, and so does ctxlint).
import asyncio


async def run_tool(tool):
    await asyncio.sleep(1)


async def race(tool, cancel_event: asyncio.Event):
    done, _ = await asyncio.wait(
        [
            asyncio.create_task(run_tool(tool)),  # error: CTX401
            asyncio.create_task(cancel_event.wait()),  # error: CTX401
        ],
        return_when=asyncio.FIRST_COMPLETED,
    )
    return done


async def first_of(tools):
    await asyncio.wait([asyncio.ensure_future(run_tool(t)) for t in tools], timeout=5)  # error: CTX401


async def first_error(tools):
    done, pending = await asyncio.wait(
        {asyncio.create_task(run_tool(t)) for t in tools},  # error: CTX401
        return_when=asyncio.FIRST_EXCEPTION,
    )
    return [t.result() for t in done]


# --- not reported ---------------------------------------------------------------------


async def waits_for_all(tools):
    await asyncio.wait([asyncio.create_task(run_tool(t)) for t in tools])


async def all_completed_explicitly(tools):
    await asyncio.wait([asyncio.create_task(run_tool(t)) for t in tools], return_when=asyncio.ALL_COMPLETED)


async def cancels_the_pending(tool, cancel_event: asyncio.Event):
    done, pending = await asyncio.wait(
        [asyncio.create_task(run_tool(tool)), asyncio.create_task(cancel_event.wait())],
        return_when=asyncio.FIRST_COMPLETED,
    )
    for task in pending:
        task.cancel()
    return done


async def keeps_the_tasks(tool, cancel_event: asyncio.Event):
    tasks = [asyncio.create_task(run_tool(tool)), asyncio.create_task(cancel_event.wait())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
    return done


async def keeps_the_result(tools):
    result = await asyncio.wait([asyncio.create_task(run_tool(t)) for t in tools], timeout=5)
    return result
