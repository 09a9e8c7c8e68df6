# ctxlint: select = ["CTX4"]
# CTX401: tasks nobody keeps a reference to (discarded, or bound and forgotten).
import asyncio
from asyncio import create_task as spawn


async def send_audit_log(event):
    await asyncio.sleep(0)


async def handle(request):
    asyncio.create_task(send_audit_log(request))  # error: CTX401
    asyncio.ensure_future(send_audit_log(request))  # error: CTX401
    spawn(send_audit_log(request))  # error: CTX401
    return "ok"


async def bound_and_forgotten(request):
    task = asyncio.create_task(send_audit_log(request))  # error: CTX401
    log_task: asyncio.Task = asyncio.ensure_future(send_audit_log(request))  # error: CTX401
    _ = asyncio.create_task(send_audit_log(request))  # error: CTX401
    return "ok"


async def on_the_loop(request):
    loop = asyncio.get_running_loop()
    loop.create_task(send_audit_log(request))  # error: CTX401
    asyncio.get_event_loop().create_task(send_audit_log(request))  # error: CTX401


def fan_out(events):
    [asyncio.create_task(send_audit_log(e)) for e in events]  # error: CTX401
    pending = [asyncio.create_task(send_audit_log(e)) for e in events]  # error: CTX401
    return len(events)


class Notifier:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._loop = loop

    def notify(self, event):
        self._loop.create_task(send_audit_log(event))  # error: CTX401


asyncio.ensure_future(send_audit_log("startup"))  # error: CTX401

# --- correct idioms: never reported -------------------------------------------------

background_tasks = set()


async def kept_in_a_set(request):
    task = asyncio.create_task(send_audit_log(request))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)


async def awaited(request):
    task = asyncio.create_task(send_audit_log(request))
    await asyncio.sleep(0)
    await task


def returned(request):
    return asyncio.create_task(send_audit_log(request))


async def gathered(events):
    tasks = [asyncio.create_task(send_audit_log(e)) for e in events]
    await asyncio.gather(*tasks)


async def cancelled_later(request):
    task = asyncio.create_task(send_audit_log(request))
    try:
        await asyncio.sleep(1)
    finally:
        task.cancel()


async def polled(request):
    task = asyncio.ensure_future(send_audit_log(request))
    await asyncio.sleep(0)
    return task.done()


class Service:
    def start(self):
        self._task = asyncio.create_task(send_audit_log("started"))
        self._tasks = {}
        self._tasks["beat"] = asyncio.create_task(send_audit_log("beat"))


def start_global():
    global TASK
    TASK = asyncio.create_task(send_audit_log("global"))


def passed_on(tasks: list, request):
    tasks.append(asyncio.create_task(send_audit_log(request)))
    asyncio.get_running_loop().run_until_complete(asyncio.ensure_future(send_audit_log(request)))


def unknown_loop(loop, request):
    loop.create_task(send_audit_log(request))  # `loop` cannot be resolved: not reported


module_task = asyncio.ensure_future(send_audit_log("module"))  # a module global keeps it


async def first_of_many(requests_):
    tasks = [asyncio.create_task(send_audit_log(r)) for r in requests_]
    await asyncio.sleep(0)
    tasks[0].cancel()


def log_failure(task):
    if not task.cancelled() and task.exception() is not None:
        print("audit log failed", task.exception())


def with_done_callback(request):
    task = asyncio.create_task(send_audit_log(request))
    task.add_done_callback(log_failure)


# --- a shutdown sentinel: it sleeps until asyncio.run cancels it at exit (anyio) ---------

import math  # noqa: E402


async def _shutdown_workers_on_exit(workers):
    """Kills the workers when the event loop shuts down."""
    try:
        await asyncio.sleep(math.inf)
    except asyncio.CancelledError:
        for worker in workers:
            worker.kill()


def setup_shutdown(workers):
    asyncio.create_task(_shutdown_workers_on_exit(workers))


async def _waits_for_a_while(workers):
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        pass


def not_a_sentinel(workers):
    asyncio.create_task(_waits_for_a_while(workers))  # error: CTX401
