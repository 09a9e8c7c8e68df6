# source: omnigent-ai/omnigent#1945 ("cancel pending futures after asyncio.wait in _spawn_async_tool")
# bug: the tool runner races the tool coroutine against a cancel event with asyncio.wait(..., return_when=FIRST_COMPLETED) and ignores the pending set: when the cancel event wins, the tool task keeps running in the background; when the tool wins, the waiter task leaks
# fix: cancel every future in `pending` in both branches after asyncio.wait returns
import asyncio


async def spawn_async_tool(run_tool, cancel_event: asyncio.Event, on_result) -> None:
    done, _ = await asyncio.wait([asyncio.create_task(run_tool()), asyncio.create_task(cancel_event.wait())], return_when=asyncio.FIRST_COMPLETED)  # expect: CTX4
    if cancel_event.is_set():
        await on_result({"status": "cancelled"})
        return
    for finished in done:
        result = finished.result()
        if result is not True:
            await on_result({"status": "ok", "result": result})
