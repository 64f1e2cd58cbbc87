"""What listing and bulk-discarding dead letters return (shared/services/operations.py).

In a module of their own so that recording a dead letter, which every function may do on a
permanent failure, does not build them (docs/decisions/0090-cold-start-budget.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.domain.dead_letters import DeadLetter


@dataclass(frozen=True)
class DeadLetterPage:
    """One page of dead letters, newest first, and the cursor of the next page."""

    items: list[DeadLetter] = field(default_factory=list)
    next_cursor: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A letter a bulk discard left as it was, and why."""

    id: str
    reason: str


@dataclass(frozen=True)
class BulkDiscard:
    """What a bulk discard did: the letters discarded now, and those it left alone."""

    discarded: list[DeadLetter] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
