import threading

from proxy.work import load_rows

_sweep_started = False


def sweep_once():
    # process-wide work, started by whichever caller comes first: no caller's context
    global _sweep_started
    if _sweep_started:
        return
    _sweep_started = True
    threading.Thread(target=load_rows, args=([0],), daemon=True).start()


class Exports:
    """An SDK's operations, run per call."""

    def export_rows(self, ids):
        sweep_once()
        return load_rows(ids)
