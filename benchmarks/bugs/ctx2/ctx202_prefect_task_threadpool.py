# source: PrefectHQ/prefect#21027 (maintainers' answer: copy the context; documented in PrefectHQ/prefect#21883)
# bug: a task fans out with ThreadPoolExecutor.map; get_run_logger() in the workers finds no flow/task run context (ContextVars) and raises MissingContextError
# fix: ctx = contextvars.copy_context() per item and executor.submit(ctx.run, process_single_file, path)
from concurrent.futures import ThreadPoolExecutor

from prefect import flow, get_run_logger, task


def process_single_file(path):
    logger = get_run_logger()
    logger.info("processing %s", path)
    with open(path, "rb") as fh:
        return len(fh.read())


@task
def process_files(paths):
    with ThreadPoolExecutor(max_workers=4) as executor:
        return sum(executor.map(process_single_file, paths))  # expect: CTX202


@flow
def nightly(paths):
    return process_files(paths)
