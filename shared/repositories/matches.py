"""Match results, match runs and match subscribers: the one place that knows how they are stored.

- ``users/{uid}/matches/{offer_id}``: the latest MatchResult of each offer for the user;
- ``users/{uid}/match_runs/{run_id}``: MatchRun history (what was new, moved, closed);
- ``match_subscribers/{uid}``: who has a profile version to match new offers against;
- ``users/{uid}/match_failures/last``: why the last matching of the user was given up
  (its profile event was dead-lettered); the next profile ranking deletes it, and any run
  made after it supersedes it.

A run compares against ``stamps`` (offer id, score, result hash), not whole results, so
re-ranking reads no explanation it does not need. Per user the matching service keeps the best
``match_top_k`` results plus the offers in the user's notebook; each subscriber document
carries which offers have a result and the lowest kept score (``set_watermark``), so an offers
event reads results only of the changed offers the user holds, and ``lowest`` finds what to
trim.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.ports import DocumentStore, Filter, Op, Order, Query, Transaction, iter_pages
from shared.repositories.pagination import Page, page

if TYPE_CHECKING:
    # Loaded by the first result or run read: settling a failure (a dead letter's owner)
    # does not load the matcher (docs/decisions/0090-cold-start-budget.md).
    from shared.domain.matching.results import MatchResult
    from shared.domain.matching.runs import MatchRun

SUBSCRIBERS = "match_subscribers"
SUBSCRIBER_SCHEMA_VERSION = 1
MAX_BATCH = 400


def _matches(uid: str) -> str:
    return f"users/{uid}/matches"


def _runs(uid: str) -> str:
    return f"users/{uid}/match_runs"


def _failure(uid: str) -> str:
    return f"users/{uid}/match_failures/last"


FAILURE_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class MatchFailure:
    """Why matching a user's profile version was given up."""

    failure_class: str
    message: str
    profile_version: int
    at: datetime


@dataclass(frozen=True, slots=True)
class MatchStamp:
    """What a run needs to know of a stored result to decide whether to rewrite it."""

    offer_id: str
    score: float | None
    result_hash: str | None


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A user with a profile version that new offers are matched against."""

    uid: str
    profile_version: int
    kept: int = 0  # results stored for the user
    floor: float | None = None  # the lowest stored score once ``kept`` reached top K
    held: frozenset[str] | None = None  # offer ids with a stored result (None: not recorded yet)


class Matches:
    """Each user's results and match-run history, and the subscribers of offer changes."""

    collections = (SUBSCRIBERS,)  # top level; results and runs live under users/{uid}

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    # ------------------------------------------------------------------ results
    def stamps(self, uid: str, offer_ids: Sequence[str] | None = None) -> dict[str, MatchStamp]:
        """Stamps of the user's stored results (of ``offer_ids`` only, when given)."""
        if offer_ids is None:
            snaps: Iterable[Any] = iter_pages(self._store, Query(_matches(uid)))
        else:
            snaps = (s for s in self._store.get_many([f"{_matches(uid)}/{i}" for i in offer_ids]) if s)
        return {s.id: MatchStamp(s.id, s.data.get("score"), s.data.get("result_hash")) for s in snaps}

    def get(self, uid: str, offer_id: str) -> MatchResult | None:
        """One result, None when the user has none for that offer."""
        from shared.domain.matching.results import MatchResult

        snap = self._store.get(f"{_matches(uid)}/{offer_id}")
        return MatchResult.model_validate(snap.data) if snap is not None else None

    def page(
        self,
        uid: str,
        *,
        excluded: bool = False,
        remote: str | None = None,
        location: str | None = None,
        min_score: float | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[MatchResult]:
        """Results best first: one query per page (its composite indexes are in the manifest)."""
        from shared.domain.matching.results import MatchResult

        filters = [Filter("excluded", Op.EQ, excluded)]
        if remote is not None:
            filters.append(Filter("remote_policy", Op.EQ, remote))
        if location is not None:
            filters.append(Filter("location_keys", Op.ARRAY_CONTAINS, location))
        if min_score is not None:
            filters.append(Filter("score", Op.GE, min_score))
        query = Query(_matches(uid), tuple(filters), (Order("score", descending=True),))
        found = page(self._store, query, limit=limit, cursor=cursor)
        return found.map(lambda s: MatchResult.model_validate(s.data))

    def save_run(
        self, uid: str, results: Sequence[MatchResult], removed: Sequence[str], run: MatchRun | None
    ) -> None:
        """Write changed results, delete removed ones and record ``run`` (None: no history entry)."""
        writes: list[tuple[str, dict[str, Any] | None]] = [
            (f"{_matches(uid)}/{r.offer_id}", _result_doc(r)) for r in results
        ]
        writes += [(f"{_matches(uid)}/{offer_id}", None) for offer_id in removed]
        if run is not None:
            writes.append((f"{_runs(uid)}/{run.id}", run.model_dump(mode="python")))
        for start in range(0, len(writes), MAX_BATCH):
            batch = self._store.batch()
            for path, data in writes[start : start + MAX_BATCH]:
                if data is None:
                    batch.delete(path)
                else:
                    batch.set(path, data)
            batch.commit()

    # ------------------------------------------------------------------ runs
    def runs_page(self, uid: str, *, limit: int = 20, cursor: str | None = None) -> Page[MatchRun]:
        """The user's match runs, newest first."""
        from shared.domain.matching.runs import MatchRun

        query = Query(_runs(uid), order_by=(Order("created_at", descending=True),))
        found = page(self._store, query, limit=limit, cursor=cursor)
        return found.map(lambda s: MatchRun.model_validate(s.data))

    def latest_run(self, uid: str) -> MatchRun | None:
        """The user's newest match run, None before the first."""
        from shared.domain.matching.runs import MatchRun

        query = Query(_runs(uid), order_by=(Order("created_at", descending=True),), limit=1)
        found = self._store.query(query)
        return MatchRun.model_validate(found[0].data) if found else None

    def record_failure(self, uid: str, failure: MatchFailure) -> None:
        """Remember that matching ``uid`` was given up (the journey and GET /match-runs show it)."""
        data = {
            "failure_class": failure.failure_class,
            "message": failure.message,
            "profile_version": failure.profile_version,
            "at": failure.at,
            "schema_version": FAILURE_SCHEMA_VERSION,
        }
        self._store.set(_failure(uid), data)

    def clear_failure(self, uid: str) -> None:
        """A profile version was ranked: any earlier give-up no longer stands (no write without one)."""
        if self._store.get(_failure(uid)) is not None:
            self._store.delete(_failure(uid))

    def last_failure(self, uid: str) -> MatchFailure | None:
        """The last give-up, None when there was none."""
        snap = self._store.get(_failure(uid))
        if snap is None:
            return None
        d = snap.data
        return MatchFailure(str(d["failure_class"]), str(d["message"]), int(d["profile_version"]), d["at"])

    # ------------------------------------------------------------------ subscribers
    def subscribe(self, uid: str, version: int, now: datetime) -> int:
        """Subscribe ``uid`` with ``version`` unless already with a newer one; the version in force."""
        path = f"{SUBSCRIBERS}/{uid}"

        def apply(tx: Transaction) -> int:
            snap = tx.get(path)
            current = int(snap.data["profile_version"]) if snap is not None else 0
            if current > version:
                return current
            tx.set(
                path,
                {
                    **(snap.data if snap is not None else {}),  # keeps the kept/floor watermark
                    "uid": uid,
                    "profile_version": version,
                    "updated_at": now,
                    "schema_version": SUBSCRIBER_SCHEMA_VERSION,
                },
            )
            return version

        return self._store.run_transaction(apply)

    def subscribers(self) -> Iterator[Subscriber]:
        """Every subscriber (paged reads)."""
        for snap in iter_pages(self._store, Query(SUBSCRIBERS)):
            yield _subscriber(snap.data)

    def subscriber_page(self, cursor: str | None, limit: int) -> Page[Subscriber]:
        """One batch of subscribers, in a stable order, and the cursor of the next."""
        found = page(self._store, Query(SUBSCRIBERS), limit=limit, cursor=cursor, max_page=limit)
        return found.map(lambda snap: _subscriber(snap.data))

    def subscribed_version(self, uid: str) -> int | None:
        """The profile version ``uid`` is matched with, None when not subscribed."""
        snap = self._store.get(f"{SUBSCRIBERS}/{uid}")
        return int(snap.data["profile_version"]) if snap is not None else None

    def set_watermark(self, uid: str, held: Iterable[str], floor: float | None) -> None:
        """Record which offers the user has results for and the lowest kept score (None below
        top K); written only when it changed. A few hundred ids: one small document."""
        path = f"{SUBSCRIBERS}/{uid}"
        ids = sorted(held)
        snap = self._store.get(path)
        if snap is not None and snap.data.get("held") == ids and snap.data.get("floor") == floor:
            return
        self._store.update(path, {"held": ids, "kept": len(ids), "floor": floor})

    def lowest(self, uid: str, n: int) -> list[MatchStamp]:
        """The user's ``n`` lowest-scored results (to trim back to top K)."""
        query = Query(_matches(uid), order_by=(Order("score", descending=False),), limit=n)
        return [
            MatchStamp(s.id, s.data.get("score"), s.data.get("result_hash")) for s in self._store.query(query)
        ]


def _subscriber(d: dict[str, Any]) -> Subscriber:
    floor = d.get("floor")
    held = d.get("held")
    return Subscriber(
        str(d["uid"]),
        int(d["profile_version"]),
        int(d.get("kept", 0)),
        None if floor is None else float(floor),
        None if held is None else frozenset(held),
    )


def _result_doc(result: MatchResult) -> dict[str, Any]:
    data = result.model_dump(mode="python")
    data["explanation"] = result.explanation.model_dump(mode="json")  # stored as plain JSON
    return data
