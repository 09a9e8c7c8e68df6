# ctxlint: select = ["CTX4"]
# ctxlint: preview
# CTX402 false-positive pattern (aiokafka, uvicorn, sentry, temporal; see
# benchmarks/PRECISION.md): a coroutine this module only runs as its own task
# (create_task(self._routine()), ensure_future(f()), tg.start_soon(f)) catches the cancel
# its owner sends to stop it, and ends. The task stops, which is what the cancel asked for;
# nothing awaits it under a deadline.
import asyncio

import anyio


class Coordinator:
    def start(self):
        self._heartbeat_task = asyncio.create_task(self._heartbeat_routine())
        self._sender_task = asyncio.get_running_loop().create_task(self._sender_routine())

    async def stop(self):
        self._heartbeat_task.cancel()
        self._sender_task.cancel()
        await asyncio.gather(self._heartbeat_task, self._sender_task, return_exceptions=True)

    async def _heartbeat_routine(self):
        while True:
            try:
                await asyncio.sleep(1)
                await self.beat()
            except asyncio.CancelledError:
                break
        self.log_stopped()

    async def _sender_routine(self):
        try:
            while True:
                await self.send_batch()
        except asyncio.CancelledError:
            pass

    async def beat(self): ...

    async def send_batch(self): ...

    def log_stopped(self): ...


class Protocol:
    def on_request(self, app):
        self.task = asyncio.get_running_loop().create_task(self.cycle.run_asgi(app))


class Cycle:
    async def run_asgi(self, app):
        try:
            await app()
        except BaseException:
            self.send_500_response()

    def send_500_response(self): ...


def nudge(all_done):
    async def finish_nudge():
        try:
            await asyncio.wait_for(all_done, timeout=10)
        except asyncio.CancelledError:
            pass

    return asyncio.ensure_future(finish_nudge())


async def serve_in_group(work):
    async with anyio.create_task_group() as tg:
        tg.start_soon(listen, work)


async def listen(work):
    try:
        await work()
    except anyio.get_cancelled_exc_class():
        return


# --- still reported ---------------------------------------------------------------------


class Worker:
    def start(self):
        self._task = asyncio.create_task(self.run())

    async def run_once(self):
        await self.run()  # also awaited directly: a caller's deadline waits on it

    async def run(self):
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:  # error: CTX409
            pass


class Reconnector:
    def start(self):
        self._task = asyncio.create_task(self._reconnect_forever())

    async def _reconnect_forever(self):
        while True:
            try:
                await self.connect()
            except asyncio.CancelledError:  # error: CTX402
                self.log("cancelled, reconnecting")  # goes round again: the cancel is ignored

    async def connect(self): ...

    def log(self, message): ...


async def fetch(client):
    try:
        return await client.get()
    except asyncio.CancelledError:  # error: CTX402
        return None


async def with_deadline(client):
    return await asyncio.wait_for(fetch(client), 5)  # wait_for returns None instead of timing out


async def stream(source):
    try:
        async for item in source:
            yield item
    except asyncio.CancelledError:  # error: CTX402
        pass


def consume(source):
    return asyncio.ensure_future(drain(stream(source)))


async def drain(items):
    async for _ in items:
        pass


async def never_spawned():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:  # error: CTX409
        pass
