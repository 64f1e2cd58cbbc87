"""Completion callbacks from external scrapers: ``POST /job-sources/runs/{id}/complete``.

Idempotent by callback id: the callback's id and a digest of its payload are bound to the
run in a transaction before anything is written. The same callback again answers the same
run; a different payload once the run is finished is a Conflict. Offers go through the same
upsert as crawled ones (same ids, hashes, closing and offer-events).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, RemotePolicy, employment_type
from shared.domain.places import Location, parse_locations
from shared.domain.runs import Run
from shared.domain.salary import Salary, parse_salary
from shared.repositories.runs import RunLedger
from shared.services.run_recorder import RunRecorder
from shared.services.sources import SourceService

MAX_OFFERS = 2000


class CallbackOffer(BaseModel):
    """One posting as a scraper reports it; cleaned and hashed like a crawled one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    external_id: str = Field(min_length=1, max_length=300)
    title: str = Field(min_length=1, max_length=500)
    url: str = Field(pattern=r"^https?://", max_length=2000)
    company: str | None = Field(default=None, max_length=300)
    locations: list[str | Location] = Field(default_factory=list, max_length=50)
    remote_policy: RemotePolicy = "unknown"
    employment_type: str | None = Field(default=None, max_length=100)
    salary: Salary | None = None
    salary_text: str | None = Field(default=None, max_length=200)
    description_html: str | None = Field(default=None, max_length=200_000)
    description_text: str | None = Field(default=None, max_length=200_000)
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    tags: list[str] = Field(default_factory=list, max_length=100)


class CallbackIn(BaseModel):
    """Body of a completion callback."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    callback_id: str = Field(min_length=1, max_length=200, description="idempotency key of this callback")
    status: Literal["completed", "failed"] = "completed"
    complete: bool = Field(default=True, description="the offers are the whole board (missing ones close)")
    offers: list[CallbackOffer] = Field(default_factory=list, max_length=MAX_OFFERS)
    failure_class: FailureClass | None = None
    error: str | None = Field(default=None, max_length=1000)

    def digest(self) -> str:
        """sha256 of the canonical payload: the same callback always has the same digest."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


class RunCallbacks:
    """Applies completion callbacks to runs."""

    def __init__(self, ledger: RunLedger, sources: SourceService, recorder: RunRecorder) -> None:
        # No fetcher: callbacks never fetch, and the ops function need not load httpx.
        self._ledger = ledger
        self._sources = sources
        self._recorder = recorder

    def complete(self, run_id: str, callback: CallbackIn) -> Run:
        """Apply ``callback`` to the run once; replays answer the stored outcome."""
        if callback.status == "failed" and callback.offers:
            raise InvalidInput("a failed callback carries no offers")
        run, proceed = self._ledger.claim_callback(run_id, callback.callback_id, callback.digest())
        if not proceed:
            return run
        if callback.status == "failed":
            failure = callback.failure_class or FailureClass.SOURCE_UNAVAILABLE
            return self._ledger.fail(run.id, failure, callback.error or "scraper reported a failure")
        source = self._sources.get(run.source_id)
        offers = [_offer(o, source.kind, source.board, source.company) for o in callback.offers]
        return self._recorder.record(run, source, offers, complete=callback.complete, fetched=len(offers))


def _offer(item: CallbackOffer, kind: str, board: str, company: str | None) -> JobOffer:
    locations: list[Location] = []
    for loc in item.locations:
        locations += parse_locations(clean_inline(loc)) if isinstance(loc, str) else [loc]
    description = (
        html_to_text(item.description_html) if item.description_html else html_to_text(item.description_text)
    )
    return JobOffer.create(
        source_kind=kind,
        board=board,
        external_id=item.external_id,
        title=clean_inline(item.title),
        company=clean_inline(item.company) or company or board,
        locations=locations,
        remote_policy=item.remote_policy,
        employment_type=employment_type(item.employment_type),
        salary=item.salary or parse_salary(item.salary_text),
        description_text=description,
        url=item.url,
        posted_at=item.posted_at,
        updated_at=item.updated_at,
        language=item.language,
        tags=item.tags,
    )
