"""LLM usage: one record per call, counters per user and UTC day (the budget), totals per day (ops).

Layout (every document carries ``schema_version``):
- ``users/{uid}/llm_usage/{YYYY-MM-DD}``: calls and tokens of one user on one day;
- ``llm_usage_days/{YYYY-MM-DD}``: calls and tokens of everyone on one day, by provider;
- ``llm_calls/{id}``: one call: who, which provider and model, tokens, latency, outcome.
All three are written in one transaction per call.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from shared.ports import DocumentStore, Transaction

SCHEMA_VERSION = 1
DAYS = "llm_usage_days"
CALLS = "llm_calls"


def _user_day(uid: str, day: date) -> str:
    return f"users/{uid}/llm_usage/{day.isoformat()}"


@dataclass(frozen=True)
class CallRecord:
    """One provider call."""

    uid: str
    purpose: str  # "notebook_score"
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    latency_ms: int
    outcome: str  # "ok" or a failure class
    at: datetime


@dataclass(frozen=True)
class DayUsage:
    """Calls and tokens of one day."""

    day: date
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    by_provider: dict[str, int] = field(default_factory=dict)


class LlmUsageRepository:
    """Counts calls and tokens."""

    collections = (DAYS, CALLS)  # top level; per-user counts live under users/{uid}

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def calls_on(self, uid: str, day: date) -> int:
        """Calls the user made on ``day``."""
        snap = self._store.get(_user_day(uid, day))
        return int(snap.data.get("calls", 0)) if snap is not None else 0

    def record(self, call: CallRecord) -> None:
        """Add one call to the user's day, the global day, and the call log, atomically."""
        day = call.at.date()
        user_path, day_path = _user_day(call.uid, day), f"{DAYS}/{day.isoformat()}"
        call_path = f"{CALLS}/{call.at.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"

        def apply(tx: Transaction) -> None:
            mine, everyone = tx.get(user_path), tx.get(day_path)
            tx.set(user_path, _added(mine.data if mine else {}, call, day))
            tx.set(day_path, _added(everyone.data if everyone else {}, call, day))
            tx.create(
                call_path,
                {
                    "uid": call.uid,
                    "day": day.isoformat(),
                    "purpose": call.purpose,
                    "provider": call.provider,
                    "model": call.model,
                    "input_tokens": call.input_tokens,
                    "output_tokens": call.output_tokens,
                    "latency_ms": call.latency_ms,
                    "outcome": call.outcome,
                    "at": call.at,
                    "schema_version": SCHEMA_VERSION,
                },
            )

        self._store.run_transaction(apply)

    def days(self, last: date, count: int) -> list[DayUsage]:
        """Totals of the ``count`` days up to ``last``, newest first (one batched read)."""
        days = [last - timedelta(days=i) for i in range(count)]
        snaps = self._store.get_many([f"{DAYS}/{d.isoformat()}" for d in days])
        out: list[DayUsage] = []
        for d, snap in zip(days, snaps, strict=True):
            data = snap.data if snap is not None else {}
            out.append(
                DayUsage(
                    day=d,
                    calls=int(data.get("calls", 0)),
                    input_tokens=int(data.get("input_tokens", 0)),
                    output_tokens=int(data.get("output_tokens", 0)),
                    by_provider=dict(data.get("by_provider") or {}),
                )
            )
        return out


def _added(data: dict[str, object], call: CallRecord, day: date) -> dict[str, object]:
    by_provider = dict(data.get("by_provider") or {})  # type: ignore[call-overload]
    by_provider[call.provider] = int(by_provider.get(call.provider, 0)) + 1
    return {
        "day": day.isoformat(),
        "calls": int(data.get("calls", 0)) + 1,  # type: ignore[call-overload]
        "input_tokens": int(data.get("input_tokens", 0)) + call.input_tokens,  # type: ignore[call-overload]
        "output_tokens": int(data.get("output_tokens", 0)) + call.output_tokens,  # type: ignore[call-overload]
        "by_provider": by_provider,
        "schema_version": SCHEMA_VERSION,
    }
