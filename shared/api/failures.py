"""Route of the operators' failure counts: the last hours' failures by class and channel."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.failures import FailureClass
from shared.edge.http import Call, Route
from shared.services.failure_counts import MAX_HOURS, FailureCounts, Kind


class FailureCountOut(BaseModel):
    """Failures of one class on one channel."""

    kind: Kind = Field(description="dead_letter: a channel gave up on the work; run: a crawler run failed")
    channel: str = Field(description="subscription or queue (dead letters), job source id (runs)")
    failure_class: FailureClass
    count: int


class ClassCountOut(BaseModel):
    """Failures of one class, every channel together."""

    failure_class: FailureClass
    count: int


class FailureSummaryOut(BaseModel):
    """Failures counted over [since, until]."""

    since: datetime
    until: datetime
    total: int
    by_class: list[ClassCountOut] = Field(description="largest first")
    counts: list[FailureCountOut] = Field(description="by kind, channel and class, largest first")
    truncated: bool = Field(description="true when more records fell in the window than were counted")


class FailureQuery(BaseModel):
    """The window of GET /failures."""

    model_config = ConfigDict(extra="forbid")

    hours: int = Field(24, ge=1, le=MAX_HOURS)


def failure_summary(call: Call) -> FailureSummaryOut:
    """The last hours' failures from dead letters and crawler runs."""
    found = call.container.make(FailureCounts).summary(call.query_as(FailureQuery).hours)
    return FailureSummaryOut(
        since=found.since,
        until=found.until,
        total=found.total,
        by_class=[ClassCountOut(failure_class=fc, count=n) for fc, n in found.by_class],
        counts=[
            FailureCountOut(kind=c.kind, channel=c.channel, failure_class=c.failure_class, count=c.count)
            for c in found.counts
        ],
        truncated=found.truncated,
    )


ROUTES = [
    Route(
        "GET",
        "/failures",
        failure_summary,
        auth="operator",
        query=FailureQuery,
        response=FailureSummaryOut,
        summary="Count the last hours' failures by class and channel",
        tags=("dead-letters",),
    ),
]
