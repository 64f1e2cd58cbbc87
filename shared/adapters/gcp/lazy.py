"""A client built once, on first use, and dropped on close: no client is built at import."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

C = TypeVar("C")


class LazyClient(Generic[C]):
    """Holds the SDK client ``build`` makes; thread-safe, rebuilt after ``take``."""

    def __init__(self, build: Callable[[], C]) -> None:
        self._build = build
        self._client: C | None = None
        self._lock = threading.Lock()

    def get(self) -> C:
        """The client, built on the first call."""
        with self._lock:
            if self._client is None:
                self._client = self._build()
            return self._client

    def take(self) -> C | None:
        """Hand over the built client (None if none was) for closing; the next get builds anew."""
        with self._lock:
            client, self._client = self._client, None
        return client
