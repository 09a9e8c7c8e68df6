# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX407 false-positive pattern (temporalio's heartbeat processor,
# benchmarks/PRECISION.md): the submitted function wraps its whole body (or its
# loop's body) in `try/except Exception` and logs, so the discarded Future holds nothing.
import logging
import queue
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)
pool = ThreadPoolExecutor()


def upload_safely(path):
    """Upload and log any failure."""
    try:
        upload(path)
    except Exception:
        logger.exception("upload of %s failed", path)


def upload(path): ...


def on_saved(path):
    pool.submit(upload_safely, path)


class HeartbeatProcessor:
    def __init__(self, executor: ThreadPoolExecutor):
        self._executor = executor
        self._queue = queue.Queue()
        self._heartbeats = {}

    def register(self, token, heartbeat):
        self._heartbeats[token] = heartbeat
        if len(self._heartbeats) == 1:
            self._executor.submit(self._process)

    def _process(self):
        while self._heartbeats:
            try:
                token, details = self._queue.get(True, 0.5)
                self._heartbeats[token](*details)
            except queue.Empty:
                pass
            except BaseException:
                logger.exception("heartbeat processing failed")
                return


def notify_all(listeners):
    for listener in listeners:
        pool.submit(notify_one, listener)


def notify_one(listener):
    try:
        listener.notify()
    except:  # noqa: E722
        logger.warning("listener failed")


# --- still reported: an exception would be lost ----------------------------------------


def on_deleted(path):
    pool.submit(upload, path)  # error: CTX407


def only_some_errors(path):
    pool.submit(upload_or_skip, path)  # error: CTX407


def upload_or_skip(path):
    try:
        upload(path)
    except FileNotFoundError:
        pass


def guarded_then_more(path):
    pool.submit(partly_guarded, path)  # error: CTX407


def partly_guarded(path):
    try:
        upload(path)
    except Exception:
        logger.exception("failed")
    upload(path + ".meta")
