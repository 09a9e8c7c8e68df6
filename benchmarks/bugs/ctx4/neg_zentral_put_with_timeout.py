# source: zentralopensource/zentral#1480 (fixed version, zentral/core/queues/backends/aws_sns_sqs/sns.py)
# bug: none: both the get and the put on the bounded queues use a timeout and re-check stop_event, so the thread always exits on shutdown
# fix: (this is the fixed code)
# expect: none
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
                continue
            self.client.publish(TopicArn=self.topic_arn, Message=json.dumps(event))
            while True:
                try:
                    self.out_queue.put(receipt_handle, timeout=1)
                except queue.Full:
                    if self.stop_event.is_set():
                        logger.error("receipt handle dropped during shutdown")
                        break
                else:
                    break
