# source: PrefectHQ/prefect#21304 (fixes PrefectHQ/prefect#7033)
# ctxlint: entry-point-decorators = ["prefect.task", "prefect.flow"]
# expect: none
# bug: The fix: with_context() serializes the run context when the callable is wrapped (in the parent) and restores it in each child process.
import multiprocessing

from prefect import get_run_logger, task
from prefect.context import with_context


def download_one(url):
    get_run_logger().info("downloading %s", url)
    return len(url)


@task(name="download")
def download(urls):
    with multiprocessing.Pool(processes=2) as pool:
        return pool.map(with_context(download_one), urls)
