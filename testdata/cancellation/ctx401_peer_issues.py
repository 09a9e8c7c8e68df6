# ctxlint: select = ["CTX4"]
# CTX401 against cases from peers' issue trackers (knowledge/python-peers.md §7).
import asyncio
from contextlib import asynccontextmanager


async def work():
    await asyncio.sleep(0)


async def discarded_to_underscore():
    # astral-sh/ruff#8863: `_ = create_task(...)` is a dangling task too
    _ = asyncio.create_task(work())  # error: CTX401


async def assigned_never_used(x: bool):
    # ruff RUF006 fixture: bound on one branch, never used
    if x:
        t = asyncio.create_task(work())  # error: CTX401
    else:
        t = None


async def inspected_then_dropped():
    # used, but only to read its name: nobody can await or cancel it afterwards
    task = asyncio.create_task(work())  # error: CTX401
    print(task.get_name())


# --- must not be reported -----------------------------------------------------------


async def both_branches_awaited(x: int):
    # astral-sh/ruff#9133: assigned in `if` and `else`, awaited later
    if x > 0:
        task = asyncio.create_task(work())
    else:
        task = asyncio.create_task(work())
    await task


async def nonlocal_task():
    # astral-sh/ruff#9262: global/nonlocal task variables escape the function
    task = None

    def start():
        nonlocal task
        task = asyncio.create_task(work())

    start()
    return task


async def added_to_a_local_set(local_set: set):
    # astral-sh/ruff#16811: handing the task to `set.add` keeps it
    local_set.add(asyncio.create_task(work()))


@asynccontextmanager
async def fixture_like():
    # astral-sh/ruff#20421: created, `yield`, then cancelled
    task = asyncio.create_task(work())
    yield
    task.cancel()


def returned_to_the_caller():
    # python-trio/flake8-async#398: `return create_task(...)`
    return asyncio.create_task(work())
