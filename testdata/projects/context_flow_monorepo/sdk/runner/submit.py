from concurrent.futures import ThreadPoolExecutor

import requests

from runner.context import OperationContext


def check_latest_version():
    return requests.get("https://pypi.org/pypi/runner-sdk/json", timeout=5).json()


class Submitter:
    def __init__(self):
        self.pool = ThreadPoolExecutor()

    def submit(self, run):
        self.pool.submit(self._run_bulk, run)  # error: CTX202
        self.pool.submit(check_latest_version)  # ok: requests is instrumented in another program

    def _run_bulk(self, run):
        return {"run": run, "user_agent": OperationContext.get_instance().get("user_agent")}
