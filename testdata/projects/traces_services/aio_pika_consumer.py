import asyncio

import aio_pika
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


async def charge(payload):
    with tracer.start_as_current_span("charge"):  # mutate: helper
        return payload


async def on_payment(message: aio_pika.abc.AbstractIncomingMessage) -> None:
    async with message.process():
        with tracer.start_as_current_span("payments.consume"):  # mutate: handler
            await charge(message.body)


async def main() -> None:
    connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1/")
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("payments", auto_delete=True)
        await queue.consume(on_payment)
        await asyncio.Future()
