import atexit
import signal
import threading

import typer

from proxy.work import load_rows

app = typer.Typer()


def _prefetch(ids):
    threading.Thread(target=load_rows, args=(ids,), daemon=True).start()  # ok: run by a command only


@app.command()
def warm(ids: str) -> None:
    # an invocation of the program runs one command, once, as its `main()`
    _prefetch([int(i) for i in ids.split(",")])


class Drainer:
    def __init__(self):
        signal.signal(signal.SIGTERM, self._on_term)

    def _on_term(self, signum, frame):
        threading.Thread(target=load_rows, args=([1],)).start()  # ok: a signal handler, for the process


@atexit.register
def _flush():
    threading.Thread(target=load_rows, args=([2],)).start()  # ok: an exit handler, for the process
