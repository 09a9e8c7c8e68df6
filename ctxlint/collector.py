"""Pausing Python's cyclic garbage collector around work that builds many objects and no
cycles: syntax trees and the facts drawn from them."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """The cyclic collector paused for the block. A parse allocates hundreds of thousands
    of nodes, which set off collections that scan the whole heap (a tenth of a LibCST parse
    alone, a fifth of the project pass, more in a host such as flake8 with a larger heap),
    yet a syntax tree holds no cycles: it is freed by reference counting when it is done.
    A host that had the collector off keeps it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def existing_objects_frozen() -> Iterator[None]:
    """The objects alive now (the project's facts and call graphs, the imported modules)
    left out of every collection until the block ends: full collections while the files
    are linted need not walk them, and in worker processes forked inside the block their
    memory pages stay shared instead of being copied when a collection touches them."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def frozen_from_now_on() -> None:
    """The objects alive now left out of every later collection, for good: for a host
    process (flake8's workers) that holds project facts to its end, whose full collections
    would otherwise walk them again and again. Objects frozen here that later become
    cyclic garbage are not reclaimed; the facts never do, and the host's few objects alive
    at the moment cost little."""
    gc.freeze()
