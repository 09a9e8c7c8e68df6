import asyncio

import tornado.web
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def lookup(key):
    with tracer.start_as_current_span("lookup"):  # mutate: helper
        return key


class KeyHandler(tornado.web.RequestHandler):
    async def get(self, key):
        with tracer.start_as_current_span("keys.get"):  # mutate: handler
            self.write({"key": lookup(key)})


async def main():
    app = tornado.web.Application([(r"/keys/(.*)", KeyHandler)])
    app.listen(8888)
    await asyncio.Event().wait()
