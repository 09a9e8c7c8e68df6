"""Threads, executors and processes: what starts work elsewhere, and what copies context.

Facts from runtime-semantics.md §A.1-A.4 and §E: new threads and executor workers start
from an empty context (3.9-3.14 GIL builds); `asyncio.to_thread`, anyio/trio `to_thread`,
starlette `run_in_threadpool` and asgiref `sync_to_async` copy it.
"""

# constructor -> (keyword, position) of the callable it runs in a new thread
THREAD_STARTERS: dict[str, tuple[str, int]] = {
    "threading.Thread": ("target", 1),
    "threading.Timer": ("function", 1),
    "_thread.start_new_thread": ("function", 0),
    "_thread.start_new": ("function", 0),
}
THREAD_CLASS = "threading.Thread"

THREAD_POOL = "concurrent.futures.ThreadPoolExecutor"
PROCESS_POOL = "concurrent.futures.ProcessPoolExecutor"
EXECUTOR_METHODS = frozenset({"submit", "map"})
# Methods that hand work over (a project wrapper of that name is a hop, not a carrier).
HOP_METHODS = frozenset({"submit", "map", "run_in_executor", "start", "run"})

# Receivers of `.run_in_executor` (any receiver is accepted: the name is asyncio's).
LOOP_GETTERS = frozenset(
    {"asyncio.get_running_loop()", "asyncio.get_event_loop()", "asyncio.new_event_loop()"}
)

# Helpers that copy the caller's context into the worker thread: never reported.
CONTEXT_COPYING_HELPERS = frozenset(
    {
        "asyncio.to_thread",
        "anyio.to_thread.run_sync",
        "trio.to_thread.run_sync",
        "starlette.concurrency.run_in_threadpool",
        "asgiref.sync.sync_to_async",
    }
)

COPY_CONTEXT = "contextvars.copy_context"
EMPTY_CONTEXT = "contextvars.Context"
PARTIAL = "functools.partial"

# Process starters for CTX205: constructor or method -> callable position
PROCESS_STARTERS = frozenset({"multiprocessing.Process"})
PROCESS_POOL_METHODS = frozenset({"submit", "map"})
POOL_CLASSES = frozenset({"multiprocessing.Pool", "multiprocessing.pool.Pool"})
POOL_METHODS = frozenset({"apply_async", "map", "map_async", "starmap", "starmap_async", "imap", "imap_unordered", "apply"})

# `Thread(context=...)` exists from this version on.
THREAD_CONTEXT_PARAMETER_SINCE = (3, 14)

# Words a file must contain to hand work to a thread, pool or process (the project pass
# builds the call graph from such files; the CTX2 rules trigger on the same words).
HOP_TOKENS = (b"Thread", b"Timer", b"start_new", b".submit(", b"run_in_executor", b".map(", b"Process", b"Pool", b"xecutor")
