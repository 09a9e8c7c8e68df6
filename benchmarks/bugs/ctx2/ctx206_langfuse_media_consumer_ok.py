# source: langfuse/langfuse-python langfuse/_task_manager/media_upload_consumer.py (commit e5f954f373c1c5aabad1a9ee07109bfb67ba89d8)
# expect: none
# bug: Housekeeping Thread subclass: consumers started by the client's task manager at construction drain an upload queue; the queued items carry everything they need.
import queue
import threading

import httpx


class MediaManager:
    def __init__(self, upload_queue: queue.Queue):
        self._queue = upload_queue
        self._http = httpx.Client(timeout=10)

    def process_next_media_upload(self):
        try:
            item = self._queue.get(block=True, timeout=1)
        except queue.Empty:
            return
        try:
            self._http.put(item["upload_url"], content=item["content"], headers=item["headers"])
        finally:
            self._queue.task_done()


class MediaUploadConsumer(threading.Thread):
    def __init__(self, *, identifier, media_manager):
        super().__init__()
        self.daemon = True
        self.running = True
        self._identifier = identifier
        self._media_manager = media_manager

    def run(self):
        while self.running:
            self._media_manager.process_next_media_upload()

    def pause(self):
        self.running = False


class TaskManager:
    def __init__(self, threads=1):
        self._media_queue: queue.Queue = queue.Queue(maxsize=1000)
        manager = MediaManager(self._media_queue)
        self._consumers = [MediaUploadConsumer(identifier=i, media_manager=manager) for i in range(threads)]
        for consumer in self._consumers:
            consumer.start()
