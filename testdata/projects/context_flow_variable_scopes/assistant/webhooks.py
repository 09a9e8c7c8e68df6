from aiohttp import web

from assistant.research import outline


class WebhookServer:
    def __init__(self):
        self.app = web.Application()
        self.app.router.add_post("/hook", self._handle)

    async def _handle(self, request):
        # a request handler the server runs: it starts with nothing set
        return web.json_response({"outline": notify(await request.text())})


def notify(text):
    return outline(text)
