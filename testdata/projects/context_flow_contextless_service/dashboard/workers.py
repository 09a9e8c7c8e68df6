import threading


class FuncThread(threading.Thread):
    """Runs a function it is given in a background thread."""

    def __init__(self, func, params=None):
        super().__init__(daemon=True)
        self.func = func
        self.params = params

    def run(self):
        self.func(self.params)


def start_thread(func, params=None):
    thread = FuncThread(func, params)
    thread.start()
    return thread
