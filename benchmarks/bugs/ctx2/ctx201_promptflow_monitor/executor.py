# source: microsoft/promptflow#1996 (commit 0601b8bf36bee33b837a18ec2404941174c0af32; first attempt microsoft/promptflow#1974)
# bug: the per-run monitor thread of the async node scheduler is a bare threading.Thread; flow_logger's handler finds the run's log file through a ContextVar, which is empty in that thread, so the monitor's log lines never reach the run log
# fix: a Thread subclass (ThreadWithContextVars) that copies the context in __init__ and sets it in run()
import asyncio
import threading
import time

from run_logging import flow_logger


def watch_long_running(loop, started_at, done):
    while not done.wait(60):
        flow_logger.info("node still running after %.0fs", time.time() - started_at)


class AsyncNodeScheduler:
    def __init__(self, concurrency):
        self._concurrency = concurrency

    async def execute(self, nodes):
        loop = asyncio.get_running_loop()
        done = threading.Event()
        monitor = threading.Thread(  # expect: CTX201
            target=watch_long_running,
            args=(loop, time.time(), done),
            daemon=True,
        )
        monitor.start()
        try:
            return await asyncio.gather(*(node() for node in nodes))
        finally:
            done.set()
