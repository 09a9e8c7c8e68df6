# source: infiniflow/ragflow#16247 (the fix)
# expect: none
# bug: The helper that runs the caller's function on a shared pool copies the caller's context per call.
import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor

request_id: contextvars.ContextVar = contextvars.ContextVar("request_id", default="-")
_EXECUTOR = ThreadPoolExecutor(max_workers=16, thread_name_prefix="blocking")


async def thread_pool_exec(func, *args, **kwargs):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    if kwargs:
        inner = functools.partial(func, *args, **kwargs)
        return await loop.run_in_executor(_EXECUTOR, ctx.run, inner)
    return await loop.run_in_executor(_EXECUTOR, ctx.run, func, *args)


def chunk_document(doc):
    print(f"[{request_id.get()}] chunking {doc['name']}")
    return [doc["text"][i : i + 512] for i in range(0, len(doc["text"]), 512)]


async def handle_parse(doc, rid):
    request_id.set(rid)
    return await thread_pool_exec(chunk_document, doc)
