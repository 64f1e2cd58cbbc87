"""The job-source registry: validate what an operator sets, then create, update, read, list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import InvalidInput
from shared.domain.identifiers import SOURCE_ID
from shared.domain.job_sources import (
    DEFAULT_SCHEDULE,
    EXTERNAL,
    JobSource,
    SourceTerms,
    default_source_id,
)
from shared.repositories.job_sources import JobSources
from shared.sources.registry import KINDS


class SourceSpec(BaseModel):
    """What an operator sets on a source; the rest of JobSource is kept by the system."""

    # Built on first use: only saving a source validates one (not the crawl functions).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str | None = Field(default=None, pattern=SOURCE_ID, description="defaults to '<kind>-<board>'")
    kind: str = Field(
        description="adapter kind, or 'external' for a scraper that calls back",
        json_schema_extra={"enum": [*KINDS, EXTERNAL]},
    )
    board: str = Field(min_length=1, max_length=200, pattern=r"^[^/?#\s]+$")
    company: str | None = Field(default=None, max_length=200)
    base_url: str | None = Field(default=None, max_length=300, pattern=r"^https?://[^\s]+$")
    schedule: str = Field(default=DEFAULT_SCHEDULE, min_length=1, max_length=100)
    enabled: bool = True
    terms: SourceTerms = SourceTerms.model_construct()  # a default is not validated: no build


class SourceService:
    """Creates, updates and reads job sources (stored by the JobSources repository)."""

    def __init__(self, sources: JobSources) -> None:
        self._sources = sources

    def save(self, spec: SourceSpec) -> tuple[JobSource, bool]:
        """Create or update a source; returns it and whether it was created."""
        if spec.kind not in (*KINDS, EXTERNAL):
            raise InvalidInput(f"unknown source kind {spec.kind!r}", detail={"kinds": [*KINDS, EXTERNAL]})
        source_id = spec.id or default_source_id(spec.kind, spec.board)
        fields: dict[str, Any] = spec.model_dump(exclude={"id"})

        def build(current: JobSource | None, now: datetime) -> JobSource:
            if current is None:
                return JobSource.model_validate(
                    {**fields, "id": source_id, "created_at": now, "updated_at": now}
                )
            changes: dict[str, Any] = {**fields, "updated_at": now}
            # Validators belong to the old address: a moved board must be fetched in full.
            if (current.kind, current.board, current.base_url) != (spec.kind, spec.board, spec.base_url):
                changes["validators"] = None
            return JobSource.model_validate({**current.model_dump(), **changes})

        return self._sources.upsert(source_id, build)

    def get(self, source_id: str) -> JobSource:
        """One source; NotFound when absent."""
        return self._sources.get(source_id)

    def list(self, *, limit: int = 50, cursor: str | None = None) -> tuple[list[JobSource], str | None]:
        """Sources by id, one page."""
        found = self._sources.page(limit=limit, cursor=cursor)
        return list(found.items), found.next_cursor

    def enabled(self, *, schedule: str | None = None) -> Iterator[JobSource]:
        """Every enabled source (of one schedule group when given)."""
        return self._sources.enabled(schedule=schedule)
