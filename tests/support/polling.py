"""Poll for something asynchronous with a generous deadline (no exact wall-clock waits)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout_s: float = 60.0, what: str = "nothing arrived") -> T:
    """Call ``probe`` until it returns something truthy; AssertionError at the deadline."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout_s:.0f} s")
