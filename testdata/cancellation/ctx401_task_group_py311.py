# ctxlint: select = ["CTX4"]
# ctxlint: target-version = "py311"
# CTX401 on 3.11+: TaskGroup tasks are held by the group; the message suggests a TaskGroup.
import asyncio


async def send(event):
    await asyncio.sleep(0)


async def fire_and_forget(events):
    for event in events:
        asyncio.create_task(send(event))  # error: CTX401


async def forgotten(event):
    task = asyncio.create_task(send(event), name="send")  # error: CTX401


async def loop_factory(event):
    asyncio.get_running_loop().create_task(send(event))  # error: CTX401


# --- correct idioms: never reported -------------------------------------------------


async def in_a_task_group(events):
    async with asyncio.TaskGroup() as group:
        for event in events:
            group.create_task(send(event))


async def task_group_bound(events):
    tg = asyncio.TaskGroup()
    async with tg:
        tg.create_task(send(events[0]))


async def with_context(event, context):
    task = asyncio.create_task(send(event), context=context)
    return await task
