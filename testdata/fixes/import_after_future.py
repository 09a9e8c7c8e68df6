#!/usr/bin/env python3
"""The module docstring stays first; `from __future__` imports stay before any other."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


def start(job):
    threading.Thread(target=job).start()
