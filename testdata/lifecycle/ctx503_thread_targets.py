# ctxlint: select = ["CTX5", "CTX2"]
# CTX503: ContextVars set in functions run by a thread pool, or in a thread's work loop.
import asyncio
import contextvars
import functools
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

job_id = contextvars.ContextVar("job_id", default=None)
POOL = ThreadPoolExecutor(max_workers=4)
jobs = queue.Queue()
stop = threading.Event()


def run_job(job):
    job_id.set(job.id)  # error: CTX503
    job.run()


def run_partial(job, retries):
    job_id.set(job.id)  # error: CTX503
    job.run()


def worker_loop():
    while not stop.is_set():
        job = jobs.get(timeout=1)
        job_id.set(job.id)  # error: CTX503
        job.run()


class Dispatcher:
    def __init__(self):
        self.pool = ThreadPoolExecutor()

    def dispatch(self, job):
        self.pool.submit(self._run, job)  # the work sets job_id itself and reads nothing: no CTX2 finding

    def _run(self, job):
        job_id.set(job.id)  # error: CTX503
        job.run()


async def offload(job):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, run_in_loop_executor, job)  # the work sets job_id itself and reads nothing: no CTX2 finding


def run_in_loop_executor(job):
    job_id.set(job.id)  # error: CTX503
    return job.run()


def submit_all(batch):
    for job in batch:
        POOL.submit(run_job, job)  # the work sets job_id itself and reads nothing: no CTX2 finding
        POOL.submit(functools.partial(run_partial, job, 3))  # the work sets job_id itself and reads nothing: no CTX2 finding
    threading.Thread(target=worker_loop, daemon=True).start()  # a service loop: CTX201 leaves it to CTX503
    threading.Thread(target=one_shot, args=(batch,)).start()  # the work sets job_id itself and reads nothing: no CTX2 finding


# --- use instead --------------------------------------------------------------------


def one_shot(batch):
    # A one-shot thread: its context dies with it.
    job_id.set(batch)
    return batch


def run_job_and_reset(job):
    token = job_id.set(job.id)
    try:
        job.run()
    finally:
        job_id.reset(token)


def run_in_copied_context(job):
    # Each submission runs in its own copy of the submitter's context: nothing leaks.
    job_id.set(job.id)
    job.run()


def submit_safely(batch):
    for job in batch:
        POOL.submit(run_job_and_reset, job)  # the work sets job_id itself and reads nothing: no CTX2 finding
        POOL.submit(contextvars.copy_context().run, run_in_copied_context, job)


async def offload_to_thread(job):
    await asyncio.to_thread(run_in_copied_context, job)


def not_submitted(job):
    job_id.set(job.id)
