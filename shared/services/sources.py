"""The job-source registry (Firestore ``job_sources``): create, update, read, list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import InvalidInput, NotFound
from shared.domain.identifiers import SOURCE_ID
from shared.domain.job_sources import (
    DEFAULT_SCHEDULE,
    EXTERNAL,
    JobSource,
    SourceTerms,
    default_source_id,
)
from shared.domain.source_paths import SOURCES, source_path
from shared.ports import Clock, DocumentStore, Filter, Op, Order, Query, Transaction, iter_pages
from shared.repositories.pagination import page
from shared.sources.registry import KINDS


class SourceSpec(BaseModel):
    """What an operator sets on a source; the rest of JobSource is kept by the system."""

    # Built on first use: only saving a source validates one (not the crawl functions).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str | None = Field(default=None, pattern=SOURCE_ID, description="defaults to '<kind>-<board>'")
    kind: str = Field(description="adapter kind, or 'external' for a scraper that calls back")
    board: str = Field(min_length=1, max_length=200, pattern=r"^[^/?#\s]+$")
    company: str | None = Field(default=None, max_length=200)
    base_url: str | None = Field(default=None, max_length=300, pattern=r"^https?://[^\s]+$")
    schedule: str = Field(default=DEFAULT_SCHEDULE, min_length=1, max_length=100)
    enabled: bool = True
    terms: SourceTerms = SourceTerms.model_construct()  # a default is not validated: no build


class SourceService:
    """Reads and writes ``job_sources``."""

    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def save(self, spec: SourceSpec) -> tuple[JobSource, bool]:
        """Create or update a source; returns it and whether it was created."""
        if spec.kind not in (*KINDS, EXTERNAL):
            raise InvalidInput(f"unknown source kind {spec.kind!r}", detail={"kinds": [*KINDS, EXTERNAL]})
        source_id = spec.id or default_source_id(spec.kind, spec.board)
        fields: dict[str, Any] = spec.model_dump(exclude={"id"})

        def write(txn: Transaction) -> tuple[JobSource, bool]:
            now = self._clock.now()
            snap = txn.get(source_path(source_id))
            if snap is None:
                source = JobSource.model_validate(
                    {**fields, "id": source_id, "created_at": now, "updated_at": now}
                )
                txn.create(source_path(source_id), _doc(source))
                return source, True
            current = JobSource.model_validate(snap.data)
            changes: dict[str, Any] = {**fields, "updated_at": now}
            # Validators belong to the old address: a moved board must be fetched in full.
            if (current.kind, current.board, current.base_url) != (spec.kind, spec.board, spec.base_url):
                changes["validators"] = None
            source = JobSource.model_validate({**current.model_dump(), **changes})
            txn.set(source_path(source_id), _doc(source))
            return source, False

        return self._store.run_transaction(write)

    def get(self, source_id: str) -> JobSource:
        """One source; NotFound when absent."""
        snap = self._store.get(source_path(source_id))
        if snap is None:
            raise NotFound(f"job source {source_id} not found", detail={"source_id": source_id})
        return JobSource.model_validate(snap.data)

    def list(self, *, limit: int = 50, cursor: str | None = None) -> tuple[list[JobSource], str | None]:
        """Sources by id, one page."""
        found = page(self._store, Query(SOURCES, order_by=(Order("id"),)), limit=limit, cursor=cursor)
        return [JobSource.model_validate(s.data) for s in found.items], found.next_cursor

    def enabled(self, *, schedule: str | None = None) -> Iterator[JobSource]:
        """Every enabled source (of one schedule group when given)."""
        filters = [Filter("enabled", Op.EQ, True)]
        if schedule is not None:
            filters.append(Filter("schedule", Op.EQ, schedule))
        for snap in iter_pages(self._store, Query(SOURCES, tuple(filters))):
            yield JobSource.model_validate(snap.data)


def _doc(source: JobSource) -> dict[str, Any]:
    return source.model_dump(mode="python")
