# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX407: futures from executor.submit that nobody waits for.
import logging
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

pool = ThreadPoolExecutor(max_workers=4)


def make_thumbnail(path):
    return path


def on_upload(path):
    pool.submit(make_thumbnail, path)  # error: CTX407


def bound_and_forgotten(path):
    future = pool.submit(make_thumbnail, path)  # error: CTX407
    logging.info("submitted %s", path)


def in_a_with_block(paths):
    with ProcessPoolExecutor() as processes:
        for path in paths:
            processes.submit(make_thumbnail, path)  # error: CTX407


class Uploader:
    def __init__(self):
        self._executor = ThreadPoolExecutor()

    def upload(self, path):
        self._executor.submit(make_thumbnail, path)  # error: CTX407


# --- correct idioms: never reported -------------------------------------------------


def waited(path):
    return pool.submit(make_thumbnail, path).result()


def with_callback(path):
    future = pool.submit(make_thumbnail, path)
    future.add_done_callback(lambda f: logging.info("done: %s", f.result()))


def collected(paths):
    futures = [pool.submit(make_thumbnail, p) for p in paths]
    return [f.result() for f in as_completed(futures)]


def checked_for_errors(path):
    future = pool.submit(make_thumbnail, path)
    if future.exception() is not None:
        logging.error("thumbnail failed")


def unknown_receiver(scheduler, path):
    scheduler.submit(make_thumbnail, path)  # not known to be an executor
