"""Crawler runs: one attempt to read one job source, with an enforced lifecycle.

    PENDING ──start──> RUNNING ──complete──> COMPLETED
       │                  │
       └──────fail────────┴──────fail──────> FAILED

A run never leaves COMPLETED or FAILED; any other move raises Conflict. ``lease_expires_at``
is the deadline of the current state (a PENDING run must start by then, a RUNNING one must
finish by then); the sweeper fails runs past it with TIMEOUT.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from shared.domain.errors import Conflict
from shared.domain.failures import FailureClass
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1
# "import": a saved board payload loaded with `career sources import` (offline users, tests).
Trigger = Literal["schedule", "operator", "callback", "cli", "import"]


class RunStatus(StrEnum):
    """Where a run is in its lifecycle."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"

    @property
    def terminal(self) -> bool:
        """COMPLETED and FAILED never change again."""
        return self in (RunStatus.COMPLETED, RunStatus.FAILED)


_ALLOWED: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.PENDING: frozenset({RunStatus.RUNNING, RunStatus.FAILED}),
    RunStatus.RUNNING: frozenset({RunStatus.COMPLETED, RunStatus.FAILED}),
    RunStatus.COMPLETED: frozenset(),
    RunStatus.FAILED: frozenset(),
}


class RunStats(DomainModel):
    """What a run saw and changed. ``fetched`` counts postings read; the rest count offers."""

    model_config = ConfigDict(frozen=True)

    fetched: int = Field(default=0, ge=0)
    new: int = Field(default=0, ge=0)
    updated: int = Field(default=0, ge=0)
    unchanged: int = Field(default=0, ge=0)
    closed: int = Field(default=0, ge=0)
    requests: int = Field(default=0, ge=0, description="HTTP requests made to the source")
    not_modified: bool = Field(default=False, description="the source answered 304 Not Modified")

    @property
    def changed(self) -> int:
        """Offers written (created, updated or closed)."""
        return self.new + self.updated + self.closed


class Run(DomainModel):
    """One crawl of one source (document ``runs/{id}``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    source_id: str
    request_id: str
    trigger: Trigger
    status: RunStatus = RunStatus.PENDING
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    lease_expires_at: datetime
    # model_construct: an all-defaults value needs no validation, and validating it here would
    # build RunStats' validator at import, in every function that touches the run ledger.
    stats: RunStats = RunStats.model_construct()
    failure_class: FailureClass | None = None
    error: str | None = None
    callback_id: str | None = None
    callback_digest: str | None = None
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def new(
        cls, *, source_id: str, request_id: str, trigger: Trigger, now: datetime, start_within: timedelta
    ) -> Run:
        """A PENDING run that must start within ``start_within``."""
        return cls(
            id=run_id(source_id, request_id),
            source_id=source_id,
            request_id=request_id,
            trigger=trigger,
            created_at=now,
            lease_expires_at=now + start_within,
        )

    @property
    def active(self) -> bool:
        """PENDING or RUNNING."""
        return not self.status.terminal

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to finish, once finished."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def expired(self, now: datetime) -> bool:
        """An active run whose lease has run out."""
        return self.active and now >= self.lease_expires_at

    def start(self, now: datetime, *, lease: timedelta) -> Run:
        """PENDING -> RUNNING, holding the run for ``lease``."""
        self._check(RunStatus.RUNNING)
        return self.model_copy(
            update={"status": RunStatus.RUNNING, "started_at": now, "lease_expires_at": now + lease}
        )

    def complete(self, now: datetime, stats: RunStats) -> Run:
        """RUNNING -> COMPLETED with its stats."""
        self._check(RunStatus.COMPLETED)
        return self.model_copy(update={"status": RunStatus.COMPLETED, "finished_at": now, "stats": stats})

    def fail(
        self, now: datetime, failure_class: FailureClass, error: str, stats: RunStats | None = None
    ) -> Run:
        """PENDING or RUNNING -> FAILED, with the class operators filter by."""
        self._check(RunStatus.FAILED)
        return self.model_copy(
            update={
                "status": RunStatus.FAILED,
                "finished_at": now,
                "failure_class": failure_class,
                "error": error[:1000],
                "stats": stats or self.stats,
            }
        )

    def _check(self, target: RunStatus) -> None:
        if target not in _ALLOWED[self.status]:
            raise Conflict(
                f"run {self.id} cannot go from {self.status} to {target}",
                detail={"run_id": self.id, "status": str(self.status), "target": str(target)},
            )


def run_id(source_id: str, request_id: str) -> str:
    """Deterministic id: the same crawl request for the same source is the same run."""
    digest = hashlib.sha256(f"{source_id}\x00{request_id}".encode()).hexdigest()
    return f"run-{digest[:24]}"
