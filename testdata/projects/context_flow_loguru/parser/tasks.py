import threading
import uuid

from celery import shared_task
from loguru import logger

from parser.log import trace_id


def _keep_alive(stop: threading.Event, file_id: int) -> None:
    while not stop.wait(5):
        logger.warning("lock refresh failed for {}", file_id)


def _count_pages(blob: bytes) -> int:
    return blob.count(b"\f") + 1


@shared_task
def parse_file(file_id: int, blob: bytes) -> None:
    trace_id.set(uuid.uuid4().hex)
    stop = threading.Event()
    # the heartbeat's warnings lose the task's trace id; counting pages logs nothing
    threading.Thread(target=_keep_alive, args=(stop, file_id), daemon=True).start()  # error: CTX201
    threading.Thread(target=_count_pages, args=(blob,)).start()
    stop.set()
