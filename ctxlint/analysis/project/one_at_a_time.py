"""One process at a time computes a project's facts; the others wait, then read them back.

pre-commit hands a hook's files to several processes at once, and flake8's workers reach
the same project together: on a cold cache each would compute the whole project's facts,
each with a pool of its own, and the machine would run all of them at once. The process
that holds the project's lock computes and writes the cache; the others find the facts
there when it lets go. The lock is an advisory `flock` on a file next to the facts, which
the system releases if its holder dies. Where there is no `flock` (Windows), or the cache
folder cannot be written, each process computes on its own, as before.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

# How long a process waits for another to finish the facts before it computes them itself
# (a holder stopped in a debugger must not hang every other run).
PATIENCE_SECONDS = 300.0
_POLL_SECONDS = 0.05


@contextmanager
def one_at_a_time(lock_file: Optional[Path]) -> Iterator[None]:
    if lock_file is None or fcntl is None:
        yield
        return
    try:
        handle = open(lock_file, "ab")
    except OSError:
        yield
        return
    with handle:  # closing the file releases the lock
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(_POLL_SECONDS)
            except OSError:  # a file system without locks
                break
        yield
