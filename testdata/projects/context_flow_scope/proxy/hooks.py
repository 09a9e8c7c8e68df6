import asyncio
from concurrent.futures import ThreadPoolExecutor

from mitmproxy import http
from prometheus_client.core import GaugeMetricFamily

from proxy.work import is_blocked, load_rows

pool = ThreadPoolExecutor(max_workers=4)


class Gate:
    """A mitmproxy addon: its hooks run on mitmproxy's loop, where nothing set a tenant."""

    async def request(self, flow: http.HTTPFlow):
        loop = asyncio.get_running_loop()
        if await loop.run_in_executor(None, is_blocked, flow.request.host):
            flow.kill()


class RowsCollector:
    """A Prometheus collector: `collect` runs on the scrape thread."""

    def collect(self):
        rows = pool.submit(load_rows, [1, 2]).result()
        yield GaugeMetricFamily("ledger_rows", "rows", value=len(list(rows)))


def export_report(ids):
    return pool.submit(load_rows, ids).result()  # error: CTX202

