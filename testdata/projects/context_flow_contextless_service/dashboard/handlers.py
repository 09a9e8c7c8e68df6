import tornado.web

from dashboard.runner import BlockingRunner


class BaseHandler(tornado.web.RequestHandler):
    runner = BlockingRunner()

    async def run_blocking(self, func, *args):
        return await self.runner.run(func, *args)


class WorkersHandler(BaseHandler):
    async def get(self):
        stats = await self.run_blocking(self.application.inspector.stats)
        self.write(stats)
