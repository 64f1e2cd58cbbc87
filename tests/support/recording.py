"""A fake of our own Publisher port that records what it was given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class RecordingPublisher:
    """Our Publisher port, recording (topic, data) of every message."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str:
        """Record the message; its id is its position."""
        self.sent.append((topic, dict(data)))
        return str(len(self.sent))
