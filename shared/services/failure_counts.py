"""Failures of the last hours, counted by failure class and channel, for the operator console.

Two records carry a failure class: a dead letter (work a channel gave up on after its
attempts) and a failed crawler run (a source that could not be crawled; the crawl task itself
is acknowledged, so it never reaches a dead-letter channel). Both are counted, each under its
own kind: a dead letter by its channel (subscription or queue), a run by its job source. A
dead letter counts whatever happened to it since (replayed or discarded): it still failed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.ports import Clock
from shared.repositories.dead_letters import DeadLetters
from shared.repositories.runs import RunLedger

Kind = Literal["dead_letter", "run"]
MAX_HOURS = 7 * 24
SCAN_LIMIT = 5_000  # records read per kind; beyond it the counts say they are truncated


@dataclass(frozen=True)
class FailureCount:
    """How many failures of one class one channel had in the window."""

    kind: Kind
    channel: str
    failure_class: FailureClass
    count: int


@dataclass(frozen=True)
class FailureSummary:
    """Failures counted over ``[since, until]``; ``truncated`` when a kind had more than the scan limit."""

    since: datetime
    until: datetime
    counts: list[FailureCount]
    truncated: bool

    @property
    def by_class(self) -> list[tuple[FailureClass, int]]:
        """Totals per failure class, largest first (ties by name)."""
        totals: Counter[FailureClass] = Counter()
        for c in self.counts:
            totals[c.failure_class] += c.count
        return sorted(totals.items(), key=lambda item: (-item[1], item[0].value))

    @property
    def total(self) -> int:
        """Every failure counted."""
        return sum(c.count for c in self.counts)


class FailureCounts:
    """Counts recent failures from dead letters and crawler runs."""

    def __init__(self, letters: DeadLetters, ledger: RunLedger, clock: Clock) -> None:
        self._letters = letters
        self._ledger = ledger
        self._clock = clock

    def summary(self, hours: int = 24, *, scan_limit: int = SCAN_LIMIT) -> FailureSummary:
        """Failures of the last ``hours`` hours by kind, channel and failure class."""
        if not 1 <= hours <= MAX_HOURS:
            raise InvalidInput(f"hours must be between 1 and {MAX_HOURS}", detail={"field": "hours"})
        until = self._clock.now()
        since = until - timedelta(hours=hours)
        counts: Counter[tuple[Kind, str, FailureClass]] = Counter()
        letters = self._letters.since(since, limit=scan_limit + 1)
        for dl in letters[:scan_limit]:
            counts["dead_letter", dl.channel, dl.failure_class] += 1
        runs = self._ledger.failed_since(since, limit=scan_limit + 1)
        for run in runs[:scan_limit]:
            counts["run", run.source_id, run.failure_class or FailureClass.INTERNAL] += 1
        rows = [FailureCount(kind, channel, fc, n) for (kind, channel, fc), n in counts.items()]
        rows.sort(key=lambda r: (-r.count, r.kind, r.channel, r.failure_class.value))
        truncated = len(letters) > scan_limit or len(runs) > scan_limit
        return FailureSummary(since, until, rows, truncated)
