# source: indigo-dc/flaat#25 (fix: PR #26, commit 4a48e50 "add timeout to blocking get call on thread tasks queue s.t. threads finish")
# bug: every token check starts N daemon worker threads that loop on param_q.get() with no timeout; the None sentinel that would break the loop is never sent, so each request leaves N threads blocked forever
# fix: get(timeout=5) and treat queue.Empty as the stop signal
from queue import Queue
from threading import Thread


def fetch_userinfo(access_token, issuer_config):
    raise NotImplementedError


class TokenChecker:
    def __init__(self, num_workers: int = 10) -> None:
        self.num_workers = num_workers

    def get_info_from_userinfo_endpoints(self, access_token, issuer_configs):
        param_q: Queue = Queue(self.num_workers * 2)
        result_q: Queue = Queue(self.num_workers * 2)

        def worker() -> None:
            while True:  # expect: CTX404
                item = param_q.get()
                if item is None:
                    break
                result_q.put(fetch_userinfo(item["access_token"], item["issuer_config"]))
                param_q.task_done()
                result_q.task_done()

        for _ in range(self.num_workers):
            t = Thread(target=worker)
            t.daemon = True
            t.start()

        for issuer_config in issuer_configs:
            param_q.put({"access_token": access_token, "issuer_config": issuer_config})
        param_q.join()
        result_q.join()
        while not result_q.empty():
            info = result_q.get(block=False)
            if info is not None:
                return info
        return None
