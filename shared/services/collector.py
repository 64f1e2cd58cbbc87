"""The cyclic garbage collector paused while a matching run holds every open offer in memory.

A matching run reads every open offer and its cached features (about a million container
objects for 100,000 offers), computes the missing features, ranks, and lets it all go when it
returns. With the collector running, the heap growing by a quarter triggers a full collection
that walks all of it again: nine of them in a 100,000-offer run, about a fifth of its CPU
time, and none of them finds anything, since a run builds no reference cycles of its own.

``collector_paused`` (a context manager, or a decorator of the run's entry point) disables the
collector for the run and enables it again when the run has returned, so the run's own data is
freed by reference counting first; cycles made during the pause are still collected, by the
first collection after it. Runs overlapping in one process (the local server's threads) share
one pause: the last to leave resumes the collector, each earlier one collects the young
generations as it leaves, so overlapping runs cannot keep cycles uncollected for long. A
collector disabled by someone else before the first run stays disabled.
See docs/decisions/0094-collector-paused-in-matching-runs.md for the figures.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """Who holds the pause (a count), and whether the collector runs again after it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.resume = False


_PAUSE = _Pause()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; restore it when the last holder leaves."""
    with _PAUSE.lock:
        if _PAUSE.holders == 0:
            _PAUSE.resume = gc.isenabled()
            gc.disable()
        _PAUSE.holders += 1
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.holders -= 1
            others = _PAUSE.holders > 0
            if not others and _PAUSE.resume:
                gc.enable()
        if others:
            gc.collect(1)  # another run still holds the pause: collect what this one left
