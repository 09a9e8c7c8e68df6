"""Method names of the standard library's everyday types (containers, strings, files,
threads, queues, futures, event loops, loggers, test cases).

A call of one of them on an object of unknown type (`items.append(...)`,
`done.is_set()`) is most likely that type's method, whatever the project defines under the
same name, so the context flow does not take it for a call of the project's method.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=None)
def common_methods() -> frozenset[str]:
    # Imported when first asked (the project pass only): the names are read off the types
    # of the running interpreter, which hardly change across 3.9-3.14.
    import asyncio
    import collections
    import concurrent.futures
    import io
    import logging
    import pathlib
    import queue
    import socket
    import subprocess
    import threading
    import unittest

    types = (
        dict, list, set, frozenset, tuple, str, bytes, bytearray, int, float, object,
        collections.deque, collections.OrderedDict, collections.Counter,
        io.TextIOWrapper, io.BufferedReader, io.BufferedWriter, io.BytesIO, io.StringIO,
        threading.Thread, threading.Event, threading.Condition, threading.Semaphore,
        queue.Queue, concurrent.futures.Future, concurrent.futures.ThreadPoolExecutor,
        asyncio.AbstractEventLoop, asyncio.Future, asyncio.Task, asyncio.Queue, asyncio.Event,
        asyncio.StreamReader, asyncio.StreamWriter,
        logging.Logger, logging.LoggerAdapter, logging.Handler,
        socket.socket, subprocess.Popen, pathlib.Path, unittest.TestCase,
    )
    return frozenset(name for kind in types for name in dir(kind))
