# ctxlint: select = ["CTX1"]
# CTX101: gRPC servicer methods (sync and grpc.aio), Celery and Dramatiq tasks, AWS Lambda.
import dramatiq
import grpc
from celery import Celery, Task, shared_task
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract

import helloworld_pb2
import helloworld_pb2_grpc

celery_app = Celery("jobs", broker="redis://localhost")
tracer = trace.get_tracer(__name__)


class Greeter(helloworld_pb2_grpc.GreeterServicer):
    def SayHello(self, request, context):
        with tracer.start_as_current_span("greet", context=Context()):  # error: CTX101
            return helloworld_pb2.HelloReply(message=f"Hello, {request.name}")

    async def SayHelloStream(self, request_iterator, context):
        replies = []
        async for request in request_iterator:
            with tracer.start_as_current_span("greet-one", context=extract({})):  # error: CTX101
                replies.append(helloworld_pb2.HelloReply(message=request.name))
        return helloworld_pb2.HelloReplies(replies=replies)


@celery_app.task(bind=True, max_retries=3)
def send_invoice(self, invoice_id):
    with tracer.start_as_current_span("send-invoice", context=Context()):  # error: CTX101
        return invoice_id


@shared_task
def reindex(doc_id):
    with tracer.start_as_current_span("reindex", context=Context()):  # error: CTX101
        return doc_id


class ImportTask(Task):
    def run(self, path):
        with tracer.start_as_current_span("import", context=Context()):  # error: CTX101
            return path


@dramatiq.actor(queue_name="mail")
def send_mail(address):
    with tracer.start_as_current_span("send-mail", context=Context()):  # error: CTX101
        return address


def lambda_handler(event, context):
    with tracer.start_as_current_span("lambda", context=Context()):  # error: CTX101
        return {"statusCode": 200}


def handler(event, context):
    span = tracer.start_span("lambda", context=extract({}))  # error: CTX101
    span.end()
    return {"statusCode": 200}


# --- correct idioms: never reported -------------------------------------------------


class Checkout(helloworld_pb2_grpc.CheckoutServicer):
    def PlaceOrder(self, request, context):
        with tracer.start_as_current_span("place-order"):
            return helloworld_pb2.HelloReply()

    def _audit(self, order):
        with tracer.start_as_current_span("audit", context=Context()):
            return order


@celery_app.task
def cleanup(batch_id, headers):
    parent = extract(headers)
    with tracer.start_as_current_span("cleanup", context=parent):
        return batch_id


@dramatiq.actor
def notify(user_id):
    with tracer.start_as_current_span("notify"):
        return user_id


def sqs_handler(event, context):
    for record in event["Records"]:
        parent = extract(record.get("messageAttributes", {}))
        with tracer.start_as_current_span("record", context=parent):
            pass


def format_reply(event, context, extra):
    # three parameters: not a Lambda handler shape
    with tracer.start_as_current_span("format", context=Context()):
        return extra


def serve():
    server = grpc.server(None)
    helloworld_pb2_grpc.add_GreeterServicer_to_server(Greeter(), server)
    server.start()
