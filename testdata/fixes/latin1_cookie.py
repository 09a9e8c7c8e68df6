# -*- coding: latin-1 -*-
"""A PEP 263 latin-1 file stays latin-1: café, naïve."""

import threading

GREETING = "déjà vu"  # été


def start(job):
    threading.Thread(target=job, args=(GREETING,)).start()
