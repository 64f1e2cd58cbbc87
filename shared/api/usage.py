"""Operators' route for LLM usage: calls and tokens per day (GET /llm-usage)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.edge.http import Call, Route
from shared.services.llm_usage import LlmUsageService


class UsageQuery(BaseModel):
    """GET /llm-usage."""

    model_config = ConfigDict(extra="forbid")

    days: int = Field(7, ge=1, le=90, description="how many UTC days back, today included")


class DayOut(BaseModel):
    """One UTC day."""

    day: date
    calls: int
    input_tokens: int
    output_tokens: int
    by_provider: dict[str, int] = Field(description="calls per provider (gemini, heuristic)")


class UsageOut(BaseModel):
    """Usage per day, today first, and the totals over them."""

    days: list[DayOut]
    calls: int
    input_tokens: int
    output_tokens: int


def usage(call: Call) -> UsageOut:
    """Calls and tokens per day."""
    q = call.query_as(UsageQuery)
    days = call.container.make(LlmUsageService).days(q.days)
    rows = [DayOut(**vars(d)) for d in days]
    return UsageOut(
        days=rows,
        calls=sum(d.calls for d in rows),
        input_tokens=sum(d.input_tokens for d in rows),
        output_tokens=sum(d.output_tokens for d in rows),
    )


ROUTES: list[Route] = [
    Route(
        "GET",
        "/llm-usage",
        usage,
        auth="operator",
        query=UsageQuery,
        response=UsageOut,
        summary="LLM calls and tokens per day",
        tags=("usage",),
    ),
]
