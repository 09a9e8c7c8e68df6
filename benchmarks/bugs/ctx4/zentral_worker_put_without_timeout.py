# source: zentralopensource/zentral#1480 (fix: commit 82201c7 "Fix AWS SNS/SQS worker shutdown hang on out_queue back-pressure")
# bug: the publish thread polls its input with a timeout and checks stop_event, but hands each receipt handle to a bounded out_queue with a blocking put(); when the queue is full at shutdown the thread blocks forever, never re-checks stop_event, and the consumer hangs in join()
# fix: loop put(..., timeout=1) and drop the handle when stop_event is set
import json
import logging
import queue
import threading

import boto3

logger = logging.getLogger(__name__)


class PublishThread(threading.Thread):
    def __init__(self, topic_arn, stop_event: threading.Event, in_queue: queue.Queue, out_queue: queue.Queue) -> None:
        super().__init__(name="publish", daemon=True)
        self.client = boto3.client("sns")
        self.topic_arn = topic_arn
        self.stop_event = stop_event
        self.in_queue = in_queue
        self.out_queue = out_queue

    def run(self) -> None:
        while True:
            try:
                receipt_handle, event = self.in_queue.get(block=True, timeout=1)
            except queue.Empty:
                if self.stop_event.is_set():
                    break
            else:
                try:
                    self.client.publish(TopicArn=self.topic_arn, Message=json.dumps(event))
                except Exception:
                    logger.exception("could not publish event")
                else:
                    self.out_queue.put(receipt_handle)  # expect: CTX4
