"""Job sources: the one place that knows how they are stored (``job_sources/{id}``).

The run ledger (shared/repositories/runs.py) updates a source's run fields in the same
transaction as the run; it addresses the document through source_paths.py only, so a sweep
builds no source model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from shared.domain.errors import NotFound
from shared.domain.job_sources import JobSource
from shared.ports import Clock, DocumentStore, Filter, Op, Order, Query, Transaction, iter_pages
from shared.repositories.pagination import Page, page
from shared.repositories.source_paths import SOURCES, source_path


class JobSources:
    """Reads and writes ``job_sources``."""

    collections = (SOURCES,)

    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def upsert(
        self, source_id: str, build: Callable[[JobSource | None, datetime], JobSource]
    ) -> tuple[JobSource, bool]:
        """Store ``build(current or None, now)`` in one transaction; (source, created)."""

        def write(txn: Transaction) -> tuple[JobSource, bool]:
            snap = txn.get(source_path(source_id))
            current = JobSource.model_validate(snap.data) if snap is not None else None
            source = build(current, self._clock.now())
            if current is None:
                txn.create(source_path(source_id), source.model_dump(mode="python"))
            else:
                txn.set(source_path(source_id), source.model_dump(mode="python"))
            return source, current is None

        return self._store.run_transaction(write)

    def get(self, source_id: str) -> JobSource:
        """One source; NotFound when absent."""
        snap = self._store.get(source_path(source_id))
        if snap is None:
            raise NotFound(f"job source {source_id} not found", detail={"source_id": source_id})
        return JobSource.model_validate(snap.data)

    def page(self, *, limit: int, cursor: str | None) -> Page[JobSource]:
        """Sources by id, one page."""
        found = page(self._store, Query(SOURCES, order_by=(Order("id"),)), limit=limit, cursor=cursor)
        return found.map(lambda s: JobSource.model_validate(s.data))

    def enabled(self, *, schedule: str | None = None) -> Iterator[JobSource]:
        """Every enabled source (of one schedule group when given)."""
        filters = [Filter("enabled", Op.EQ, True)]
        if schedule is not None:
            filters.append(Filter("schedule", Op.EQ, schedule))
        for snap in iter_pages(self._store, Query(SOURCES, tuple(filters))):
            yield JobSource.model_validate(snap.data)
