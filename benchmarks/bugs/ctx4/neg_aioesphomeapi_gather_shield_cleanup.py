# source: esphome/aioesphomeapi#1575 (fixed version, aioesphomeapi/host_resolver.py)
# bug: none: losing resolver tasks are cancelled and drained with gather(return_exceptions=True) under shield; a cancellation of the resolver itself is re-raised after the drain
# fix: (this is the fixed code)
# expect: none
import asyncio
from typing import Dict, List


async def resolve_first(hosts: List[str], resolve_one) -> list:
    tasks: Dict[asyncio.Task, str] = {asyncio.create_task(resolve_one(h)): h for h in hosts}
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return [t.result() for t in done]
    finally:
        pending = [t for t in tasks if not t.done()]
        if pending:
            for task in pending:
                task.cancel()
            cleanup = asyncio.gather(*pending, return_exceptions=True)
            try:
                await asyncio.shield(cleanup)
            except asyncio.CancelledError:
                await cleanup
                raise
