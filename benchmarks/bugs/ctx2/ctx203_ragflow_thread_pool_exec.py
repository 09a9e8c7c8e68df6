# source: infiniflow/ragflow#16247
# bug: the thread_pool_exec() helper runs the caller's function with loop.run_in_executor on a shared pool; ContextVars set by the async caller (request id, Langfuse trace) are not visible in the worker
# fix: ctx = contextvars.copy_context(); loop.run_in_executor(_thread_pool_executor(), ctx.run, func, *args)
import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor

request_id: contextvars.ContextVar = contextvars.ContextVar("request_id", default="-")
_EXECUTOR = None


def _thread_pool_executor():
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(max_workers=16, thread_name_prefix="blocking")
    return _EXECUTOR


async def thread_pool_exec(func, *args, **kwargs):
    loop = asyncio.get_running_loop()
    if kwargs:
        call = functools.partial(func, *args, **kwargs)
        return await loop.run_in_executor(_thread_pool_executor(), call)  # expect: CTX203
    return await loop.run_in_executor(_thread_pool_executor(), func, *args)  # expect: CTX203


def chunk_document(doc):
    print(f"[{request_id.get()}] chunking {doc['name']}")
    return [doc["text"][i : i + 512] for i in range(0, len(doc["text"]), 512)]


async def handle_parse(doc, rid):
    request_id.set(rid)
    return await thread_pool_exec(chunk_document, doc)
