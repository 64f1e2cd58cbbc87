"""Notebook use cases: keep an offer or a posting, track it, list and count what is kept.

An entry is made from a matched offer (``offer_id``), from a pasted posting, or from the URL
of a posting on a supported board. Each keeps a snapshot of the posting (title, company,
locations, salary, url, content hash, and the text scoring reads), so it survives the posting
closing. Saving is idempotent: one entry per offer id, one per posting URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from shared.config import Settings
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.failures import FailureClass
from shared.domain.model import DomainModel
from shared.domain.notebook import (
    MAX_DESCRIPTION,
    MAX_NOTES,
    EntryPatch,
    NotebookEntry,
    Snapshot,
    Status,
    check_notes,
    entry_id_for_offer,
    entry_id_for_url,
    normalise_tags,
    normalise_url,
    text_hash,
)
from shared.domain.offers import JobOffer, offer_id
from shared.domain.posting_urls import parse_posting_url
from shared.ports import Clock, HttpFetcher
from shared.repositories.notebook import EntryFilter, NotebookRepository, Sort, Summary
from shared.repositories.offers import Offers
from shared.sources.registry import adapter


class PastedPosting(DomainModel):
    """A posting the user copied from anywhere."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=300)
    company: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    description: str = Field("", max_length=MAX_DESCRIPTION)


class SaveRequest(DomainModel):
    """POST /notebook: exactly one of ``offer_id``, ``posting`` or ``url``; notes and tags optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offer_id: str | None = Field(None, min_length=1, max_length=200, description="a matched offer")
    posting: PastedPosting | None = Field(None, description="a pasted posting")
    url: str | None = Field(None, max_length=2000, description="a posting URL on a supported board")
    notes: str = Field("", max_length=MAX_NOTES)
    tags: list[str] = Field(default_factory=list)
    follow_up: date | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SaveRequest:
        given = [k for k in ("offer_id", "posting", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of offer_id, posting or url")
        return self


@dataclass(frozen=True)
class Saved:
    """The entry, and whether this call made it."""

    entry: NotebookEntry
    created: bool


def snapshot_of(offer: JobOffer) -> Snapshot:
    """What an entry keeps of a stored or fetched offer."""
    return Snapshot(
        title=offer.title,
        company=offer.company,
        locations=list(offer.locations),
        salary=offer.salary,
        url=offer.url,
        content_hash=offer.content_hash,
        remote_policy=offer.remote_policy,
        description_text=offer.description_text[:MAX_DESCRIPTION],
        language=offer.language,
    )


class NotebookService:
    """Keeps, changes, lists and removes a user's notebook entries."""

    def __init__(
        self,
        notebook: NotebookRepository,
        offers: Offers,
        fetcher: HttpFetcher,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self._notebook = notebook
        self._offers = offers
        self._fetcher = fetcher
        self._clock = clock
        self._api_override = settings.posting_api_base_url

    # ------------------------------------------------------------------ writes
    def save(self, uid: str, request: SaveRequest) -> Saved:
        """Keep an offer or posting; the existing entry when it is already kept."""
        tags = normalise_tags(request.tags)
        check_notes(request.notes)
        if request.offer_id is not None:
            stored = self._offers.find(request.offer_id)
            if stored is None:
                raise NotFound(f"offer {request.offer_id} not found")
            return self._add(uid, entry_id_for_offer(stored.offer.id), "offer", stored.offer, request, tags)
        if request.posting is not None:
            p = request.posting
            url = normalise_url(p.url)
            existing = self._notebook.find(uid, entry_id_for_url(url))
            if existing is not None:
                return Saved(existing, False)
            snap = Snapshot(
                title=p.title.strip(),
                company=p.company.strip(),
                url=url,
                content_hash=text_hash(p.title, p.company, url, p.description),
                description_text=p.description,
            )
            return self._put(uid, entry_id_for_url(url), "pasted", None, snap, request, tags)
        assert request.url is not None
        offer = self._import(request.url)
        return self._add(uid, entry_id_for_offer(offer.id), "url", offer, request, tags)

    def patch(self, uid: str, entry_id: str, patch: EntryPatch) -> NotebookEntry:
        """Change notes, tags or the follow-up date."""
        at = self._clock.now()
        return self._notebook.update(uid, entry_id, lambda e: patch.apply(e, at))

    def transition(self, uid: str, entry_id: str, to: Status) -> NotebookEntry:
        """Move the status (409 listing the allowed moves when illegal); timestamped in history."""
        at = self._clock.now()
        return self._notebook.update(uid, entry_id, lambda e: e.transition(to, at))

    def delete(self, uid: str, entry_id: str) -> None:
        """Remove an entry and its scores."""
        self._notebook.delete(uid, entry_id)

    # ------------------------------------------------------------------ reads
    def get(self, uid: str, entry_id: str) -> NotebookEntry:
        """One entry of the caller's (404 for anyone else's)."""
        return self._notebook.get(uid, entry_id)

    def list_entries(
        self, uid: str, filters: EntryFilter, *, sort: Sort, limit: int, cursor: str | None
    ) -> tuple[list[NotebookEntry], str | None, Summary]:
        """A page of entries plus the counts by status."""
        if filters.min_score is not None and sort != "score":
            raise InvalidInput("min_score lists best first: use sort=score", detail={"sort": sort})
        entries, next_cursor = self._notebook.page_of(uid, filters, sort=sort, limit=limit, cursor=cursor)
        return entries, next_cursor, self._notebook.summary(uid)

    def tags(self, uid: str) -> list[tuple[str, int]]:
        """The caller's tags with how many entries carry each, most used first."""
        counts = self._notebook.summary(uid).by_tag
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def offer_ids(self, uid: str) -> list[str]:
        """Ids of the matched offers the user keeps."""
        return self._notebook.offer_ids(uid)

    # ------------------------------------------------------------------ internals
    def _add(
        self, uid: str, entry_id: str, source: str, offer: JobOffer, request: SaveRequest, tags: list[str]
    ) -> Saved:
        existing = self._notebook.find(uid, entry_id)
        if existing is not None:
            return Saved(existing, False)
        return self._put(uid, entry_id, source, offer.id, snapshot_of(offer), request, tags)

    def _put(
        self,
        uid: str,
        entry_id: str,
        source: str,
        offer: str | None,
        snap: Snapshot,
        request: SaveRequest,
        tags: list[str],
    ) -> Saved:
        now = self._clock.now()
        entry = NotebookEntry.model_validate(
            {
                "id": entry_id,
                "uid": uid,
                "source": source,
                "offer_id": offer,
                "snapshot": snap,
                "notes": request.notes,
                "tags": tags,
                "follow_up": request.follow_up,
                "history": [{"from_status": None, "to_status": Status.SAVED, "at": now}],
                "created_at": now,
                "updated_at": now,
            }
        )
        stored, created = self._notebook.add(entry)
        return Saved(stored, created)

    def _import(self, url: str) -> JobOffer:
        """The posting a board URL names: from the store when crawled, else read from its board."""
        ref = parse_posting_url(url)
        if ref.external_id is not None:
            stored = self._offers.find(offer_id(ref.kind, ref.board, ref.external_id))
            if stored is not None:
                return stored.offer
        module = adapter(ref.kind)
        result = module.fetch(self._fetcher, ref.board, base_url=self._api_override)
        wanted = normalise_url(url)
        for offer in result.offers:
            if ref.external_id is not None and offer.external_id == ref.external_id:
                return offer
            if offer.url and normalise_url(offer.url) == wanted:
                return offer
        raise NotFound(
            f"the {ref.kind} board {ref.board!r} does not list this posting (closed, or a wrong URL)",
            failure_class=FailureClass.SOURCE_NOT_FOUND,
            detail={"kind": ref.kind, "board": ref.board},
        )
