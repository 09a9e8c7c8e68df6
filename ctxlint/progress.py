"""A progress line on a terminal's stderr for long runs: `ctxlint: 812/1889 files, 4.2s`.

A few lines of our own rather than a progress-bar library: what is needed is one
overwritten line, and the libraries that draw bars cost more import time than a whole
warm run of ctxlint. Shown only when stderr is a terminal, the run is not `--quiet`, not
in CI (`CI` set), and only once the run has lasted a second; cleared when the run ends.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Optional, TextIO

# seconds before the line first appears, so short runs print nothing (the variable is
# for tests, which cannot afford a run that lasts a second)
DELAY = float(os.environ.get("CTXLINT_PROGRESS_DELAY", "1.0"))
INTERVAL = 0.1  # at most ten redraws a second


class Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn_at: Optional[float] = None

    @classmethod
    def for_terminal(cls, quiet: bool, stream: TextIO = sys.stderr) -> Optional["Progress"]:
        if quiet or os.environ.get("CI") or not stream.isatty():
            return None
        return cls(stream)

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < DELAY:
            return
        if self.drawn_at is not None and now - self.drawn_at < INTERVAL and done < total:
            return
        self.drawn_at = now
        self.stream.write(f"\r\x1b[Kctxlint: {done}/{total} files, {now - self.started:.1f}s")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn_at is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
