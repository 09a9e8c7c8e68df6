import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

log = logging.getLogger(__name__)
pool = ThreadPoolExecutor(max_workers=4)
request_id = ContextVar("request_id", default="-")


def process(job):
    log.info("[%s] processing %s", request_id.get(), job)


def fan_out(jobs):
    for job in jobs:
        threading.Thread(target=process, args=(job,)).start()  # error: CTX201
    log.info("started %d jobs", len(jobs))


def submit_all(jobs):
    futures = [pool.submit(process, job) for job in jobs]  # error: CTX202
    return [future.result() for future in futures]


async def process_async(job):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, process, job)  # error: CTX203


def schedule_retry(job, delay):
    timer = threading.Timer(delay, process, args=(job,))  # error: CTX201
    timer.daemon = True
    timer.start()
