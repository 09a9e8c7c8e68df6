# source: home-assistant/core#88572 ("Replace fire_coroutine_threadsafe with asyncio.run_coroutine_threadsafe")
# bug: fire_coroutine_threadsafe schedules a callback with loop.call_soon_threadsafe; the callback wraps the coroutine with ensure_future and drops the task, so the event loop holds it only weakly and it can be collected before it finishes
# fix: use asyncio.run_coroutine_threadsafe, which returns a future chained to the task
import threading
from asyncio import AbstractEventLoop, coroutines, ensure_future
from typing import Any, Coroutine


def fire_coroutine_threadsafe(coro: Coroutine[Any, Any, Any], loop: AbstractEventLoop) -> None:
    """Submit a coroutine to a loop from another thread, fire-and-forget."""
    ident = loop.__dict__.get("_thread_ident")
    if ident is not None and ident == threading.get_ident():
        raise RuntimeError("Cannot be called from within the event loop")
    if not coroutines.iscoroutine(coro):
        raise TypeError("A coroutine object is required: %s" % coro)

    def callback() -> None:
        ensure_future(coro, loop=loop)  # expect: CTX401

    loop.call_soon_threadsafe(callback)


def stop_from_signal_thread(hub, loop: AbstractEventLoop) -> None:
    fire_coroutine_threadsafe(hub.async_stop(), loop)
