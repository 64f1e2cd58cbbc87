"""Run records (``runs``) and their transitions, each in one transaction with the source.

The source document carries ``active_run_id``: starting a run reads it in the same
transaction, so a source with a PENDING or RUNNING run never gets a second one, however
many crawl requests race. Completing or failing a run clears it in the same transaction.
Transitions are idempotent: a duplicate delivery finds the run already moved and gets the
stored run back instead of an error; the first terminal state wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared.domain.errors import Conflict, InvalidInput, NotFound
from shared.domain.failures import FailureClass
from shared.domain.runs import Run, RunStats, RunStatus, Trigger, run_id
from shared.ports import Clock, DocumentStore, Filter, Op, Order, Query, Transaction, iter_pages
from shared.repositories.pagination import page
from shared.repositories.source_paths import source_path

if TYPE_CHECKING:  # the source models load when a run is opened, not for a sweep
    from shared.domain.job_sources import JobSource, Validators

RUNS = "runs"
START_WITHIN = timedelta(hours=1)  # a PENDING run nobody starts is swept after this
LEASE = timedelta(minutes=15)  # crawl_source's timeout (540 s) plus a margin


def run_path(rid: str) -> str:
    """Document path of a run."""
    return f"{RUNS}/{rid}"


@dataclass(frozen=True)
class Started:
    """Outcome of a start request: the run to report, and whether it was created now."""

    run: Run
    created: bool


class RunLedger:
    """Creates runs and moves them through their lifecycle."""

    collections = (RUNS,)

    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # ------------------------------------------------------------------ transitions
    def open(self, source_id: str, request_id: str, trigger: Trigger) -> Started:
        """Create the PENDING run of this request, unless the source already has an active one."""
        rid = run_id(source_id, request_id)

        def txn_fn(txn: Transaction) -> Started:
            now = self._clock.now()
            source = _source(txn, source_id)
            existing = txn.get(run_path(rid))
            if existing is not None:
                return Started(Run.model_validate(existing.data), created=False)
            if source.active_run_id:
                active = txn.get(run_path(source.active_run_id))
                if active is not None and Run.model_validate(active.data).active:
                    return Started(Run.model_validate(active.data), created=False)
            if not source.enabled and trigger == "schedule":
                raise InvalidInput(f"job source {source_id} is disabled", detail={"source_id": source_id})
            run = Run.new(
                source_id=source_id,
                request_id=request_id,
                trigger=trigger,
                now=now,
                start_within=START_WITHIN,
            )
            txn.create(run_path(rid), _doc(run))
            txn.update(source_path(source_id), {"active_run_id": rid, "last_run_id": rid})
            return Started(run, created=True)

        return self._store.run_transaction(txn_fn)

    def begin(self, rid: str) -> tuple[Run, bool]:
        """PENDING -> RUNNING; returns the run and whether this call moved it."""
        return self._move(
            rid, lambda run, now: run.start(now, lease=LEASE) if run.status == RunStatus.PENDING else None
        )

    def complete(
        self, rid: str, stats: RunStats, *, validators: Validators | None, offer_count: int | None
    ) -> Run:
        """RUNNING -> COMPLETED; stores validators and the open-offer count on the source."""
        extra: dict[str, Any] = {"validators": validators.model_dump() if validators else None}
        if offer_count is not None:
            extra["offer_count"] = offer_count
        return self._move(rid, lambda run, now: run.complete(now, stats) if run.active else None, extra)[0]

    def fail(self, rid: str, failure_class: FailureClass, error: str, stats: RunStats | None = None) -> Run:
        """PENDING/RUNNING -> FAILED with a failure class (a finished run stays as it is)."""
        return self._move(
            rid, lambda run, now: run.fail(now, failure_class, error, stats) if run.active else None
        )[0]

    def claim_callback(self, rid: str, callback_id: str, digest: str) -> tuple[Run, bool]:
        """Bind a completion callback to a run; returns (run, True) to proceed, (run, False) on replay.

        The same callback (id and payload digest) on a finished run is a replay; anything else
        on a finished run, or a second callback while one is being applied, is a Conflict.
        """

        def txn_fn(txn: Transaction) -> tuple[Run, bool]:
            now = self._clock.now()
            run = _run(txn, rid)
            same = (run.callback_id, run.callback_digest) == (callback_id, digest)
            if run.status.terminal:
                if same:
                    return run, False
                raise Conflict(
                    f"run {rid} is already {run.status}", detail={"run_id": rid, "status": run.status}
                )
            if run.callback_id is not None and not same:
                raise Conflict(f"run {rid} is being completed by another callback", detail={"run_id": rid})
            claimed = run.model_copy(update={"callback_id": callback_id, "callback_digest": digest})
            if claimed.status == RunStatus.PENDING:
                claimed = claimed.start(now, lease=LEASE)
            txn.set(run_path(rid), _doc(claimed))
            return claimed, True

        return self._store.run_transaction(txn_fn)

    def sweep(self) -> list[Run]:
        """Fail every PENDING or RUNNING run past its lease with TIMEOUT."""
        now = self._clock.now()
        swept: list[Run] = []
        for status in (RunStatus.RUNNING, RunStatus.PENDING):
            query = Query(
                RUNS,
                (Filter("status", Op.EQ, status.value), Filter("lease_expires_at", Op.LT, now)),
                (Order("lease_expires_at"),),
            )
            for snap in list(iter_pages(self._store, query)):
                run, moved = self._move(snap.id, _timeout)
                if moved:
                    swept.append(run)
        return swept

    # ------------------------------------------------------------------ reads
    def get(self, rid: str) -> Run:
        """One run; NotFound when absent."""
        snap = self._store.get(run_path(rid))
        if snap is None:
            raise NotFound(f"run {rid} not found", detail={"run_id": rid})
        return Run.model_validate(snap.data)

    def list(
        self,
        *,
        source_id: str | None = None,
        status: RunStatus | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[Run], str | None]:
        """Runs newest first, filtered by source and status (composite indexes in the manifest)."""
        filters = []
        if source_id is not None:
            filters.append(Filter("source_id", Op.EQ, source_id))
        if status is not None:
            filters.append(Filter("status", Op.EQ, status.value))
        query = Query(RUNS, tuple(filters), (Order("created_at", descending=True),))
        found = page(self._store, query, limit=limit, cursor=cursor)
        return [Run.model_validate(s.data) for s in found.items], found.next_cursor

    def failed_since(self, start: datetime, *, limit: int) -> Sequence[Run]:
        """Runs that failed at or after ``start``, newest first, at most ``limit`` of them."""
        query = Query(
            RUNS,
            (Filter("status", Op.EQ, RunStatus.FAILED.value), Filter("finished_at", Op.GE, start)),
            (Order("finished_at", descending=True),),
        )
        found: list[Run] = []
        for snap in iter_pages(self._store, query):
            if len(found) == limit:
                break
            found.append(Run.model_validate(snap.data))
        return found

    # ------------------------------------------------------------------ helpers
    def _move(
        self,
        rid: str,
        step: Callable[[Run, datetime], Run | None],
        source_extra: dict[str, Any] | None = None,
    ) -> tuple[Run, bool]:
        def txn_fn(txn: Transaction) -> tuple[Run, bool]:
            now = self._clock.now()
            run = _run(txn, rid)
            source = txn.get(source_path(run.source_id))
            moved = step(run, now)
            if moved is None:
                return run, False
            txn.set(run_path(rid), _doc(moved))
            if source is not None and moved.status.terminal:
                update: dict[str, Any] = {
                    "last_run_id": rid,
                    "last_run_status": moved.status.value,
                    "last_run_at": now,
                    **(source_extra or {}),
                }
                if source.data.get("active_run_id") == rid:
                    update["active_run_id"] = None
                txn.update(source_path(run.source_id), update)
            return moved, True

        return self._store.run_transaction(txn_fn)


def _timeout(run: Run, now: datetime) -> Run | None:
    return run.fail(now, FailureClass.TIMEOUT, f"{run.status} past its lease") if run.expired(now) else None


def _run(txn: Transaction, rid: str) -> Run:
    snap = txn.get(run_path(rid))
    if snap is None:
        raise NotFound(f"run {rid} not found", detail={"run_id": rid})
    return Run.model_validate(snap.data)


def _source(txn: Transaction, source_id: str) -> JobSource:
    from shared.domain.job_sources import JobSource

    snap = txn.get(source_path(source_id))
    if snap is None:
        raise NotFound(f"job source {source_id} not found", detail={"source_id": source_id})
    return JobSource.model_validate(snap.data)


def _doc(run: Run) -> dict[str, Any]:
    # Plain strings for enums: the stored value is what queries and other readers compare.
    data = run.model_dump(mode="python")
    data["status"] = run.status.value
    data["failure_class"] = run.failure_class.value if run.failure_class else None
    return data
