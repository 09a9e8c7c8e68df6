# source: frankie567/httpx-ws#73 (maintainer: catching cancellation "is completely unnecessary with task groups"); the same fan-out written with asyncio.TaskGroup
# bug: none: TaskGroup.create_task results need no saved reference, and the group cancels the siblings when one fails
# fix: (this is correct code)
# ctxlint: target-version = "py311"
# expect: none
import asyncio


async def fetch_all(client, urls):
    results = {}

    async def one(url):
        results[url] = await client.get(url)

    async with asyncio.TaskGroup() as tg:
        for url in urls:
            tg.create_task(one(url))
    return results
