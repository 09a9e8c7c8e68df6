# source: PrefectHQ/prefect#7033 (fix: PrefectHQ/prefect#21304, prefect.context.with_context)
# ctxlint: entry-point-decorators = ["prefect.task", "prefect.flow"]
# bug: a task downloads with a multiprocessing.Pool; get_run_logger() in the child processes has no flow/task run context (it lives in ContextVars and is not pickled), so with spawn it raises and with fork the logs never reach the run
# fix: pool.map(with_context(download_one), urls): the run context is serialized at wrap time and restored in the child
import multiprocessing

from prefect import flow, get_run_logger, task


def download_one(url):
    logger = get_run_logger()
    logger.info("downloading %s", url)
    return len(url)


@task(name="download")
def download(urls):
    with multiprocessing.Pool(processes=2) as pool:
        return pool.map(download_one, urls)  # expect: CTX205


@flow
def ingest(urls):
    return download(urls)
