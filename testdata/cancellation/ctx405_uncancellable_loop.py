# ctxlint: select = ["CTX4"]
# CTX405: endless loops in coroutines that never give control back to the event loop.
import asyncio
import time


async def heartbeat(state):
    while True:  # error: CTX405
        state.beat()
        time.sleep(5)


async def spin(flag):
    while 1:  # error: CTX405
        if flag.is_set():
            print("set")


class Monitor:
    async def watch(self, probe):
        while True:  # error: CTX405
            for sample in probe.read():
                print(sample)


async def nested_busy_wait(events):
    while True:
        await events.get()
        while True:  # error: CTX405
            pass


# --- correct idioms: never reported -------------------------------------------------


async def heartbeat_awaiting(state):
    while True:
        state.beat()
        await asyncio.sleep(5)


async def with_exit(queue: asyncio.Queue):
    while True:
        if queue.empty():
            break
        queue.get_nowait()


async def async_for(stream):
    while True:
        async for chunk in stream:
            print(chunk)


async def async_with(lock: asyncio.Lock, state):
    while True:
        async with lock:
            state.beat()


def synchronous_loop(state):
    while True:  # a thread's business (CTX404), not the event loop's
        state.beat()
        time.sleep(5)


async def generator_yields(source):
    while True:
        yield source.next()


async def bounded(state):
    while state.running:
        state.beat()


async def raises_to_stop(state):
    while True:
        if state.done:
            raise StopAsyncIteration
        state.beat()


async def fill_send_buffer(sock):
    try:
        while True:  # a non-blocking send raises BlockingIOError once the buffer is full
            sock.send(b" " * 8192)
    except BlockingIOError:
        pass
