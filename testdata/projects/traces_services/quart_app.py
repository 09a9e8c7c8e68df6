from opentelemetry import trace
from quart import Quart, websocket

app = Quart(__name__)
tracer = trace.get_tracer(__name__)


async def render(message):
    with tracer.start_as_current_span("render"):  # mutate: helper
        return message.upper()


@app.websocket("/ws")
async def ws():
    while True:
        data = await websocket.receive()
        with tracer.start_as_current_span("ws.message"):  # mutate: handler
            await websocket.send(await render(data))
