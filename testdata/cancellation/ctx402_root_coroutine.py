# ctxlint: select = ["CTX4"]
# CTX402 false-positive patterns (prefect's `worker start` command and its services;
# benchmarks/precision/ctx4-ctx5.md): coroutines that run until they are cancelled.
# A CLI command coroutine (`@app.command()` of typer, click, asyncclick) is the program's
# root coroutine: its only canceller is the runner at Ctrl-C, which wants it to stop, and
# nothing runs after it. A coroutine declared `-> NoReturn` never returns on its own, so
# no caller depends on its return: its cancellation handler is how it stops.
import asyncio

import typer

app = typer.Typer()
worker_app = typer.Typer()


@worker_app.command()
async def start(name: str):
    worker = make_worker(name)
    try:
        await worker.start()
    except asyncio.CancelledError:
        print(f"Worker {name!r} stopped!")


@app.command
async def serve():
    try:
        await run_forever()
    except BaseException:
        print("server stopped")


@app.command(name="sync")
async def sync_all():
    try:
        await run_forever()
    except asyncio.CancelledError:
        pass


# --- still reported: not a command ---------------------------------------------------


async def run_worker(name: str):
    worker = make_worker(name)
    try:
        await worker.start()
    except asyncio.CancelledError:  # error: CTX409
        print(f"Worker {name!r} stopped!")


@app.callback()
async def main():
    try:
        await run_forever()
    except asyncio.CancelledError:  # error: CTX409
        pass


class Registry:
    def register(self, fn):
        return fn


registry = Registry()


@registry.register
async def handler():
    try:
        await run_forever()
    except asyncio.CancelledError:  # error: CTX409
        pass


def make_worker(name):
    return None


async def run_forever():
    await asyncio.sleep(1)


# --- also exempt: a coroutine declared never to return runs until it is cancelled -------

from typing import NoReturn  # noqa: E402


class ConsumerService:
    async def start(self) -> NoReturn:
        self.consumer_task = asyncio.create_task(run_forever())
        try:
            await self.consumer_task
        except asyncio.CancelledError:
            pass

    async def stop(self) -> None:
        self.consumer_task.cancel()
