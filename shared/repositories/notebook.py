"""Notebook storage: entries (with their status history), scores, per-user counts, offer refs.

Layout (every document carries ``schema_version``):
- ``users/{uid}/notebook/{entry_id}``: the entry; ``score_total`` and ``stale`` are flat copies
  for the list filters and sorts (indexes in the topology manifest);
- ``users/{uid}/notebook/{entry_id}/scores/{inputs_hash}``: every score computed, the audit history;
- ``users/{uid}/notebook_meta/summary``: counts by status and by tag, kept in the same
  transaction as every entry write (lists answer them with one read);
- ``notebook_offer_refs/{offer_id}~{uid}``: who keeps which offer, so a changed offer finds
  the entries whose scores it makes stale without a collection-group query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from shared.domain.errors import NotFound
from shared.domain.notebook import NotebookEntry, Status
from shared.ports import Data, DocumentStore, Filter, Op, Order, Query, Transaction, iter_pages
from shared.repositories.pagination import page

if TYPE_CHECKING:
    # Score records (and the explanation models in them) load with the first score read.
    from shared.domain.scoring.record import ScoreRecord

SCHEMA_VERSION = 1
REFS = "notebook_offer_refs"
Sort = Literal["updated", "score", "created"]
_SORT_FIELD: dict[str, str] = {"updated": "updated_at", "score": "score_total", "created": "created_at"}


def entries_collection(uid: str) -> str:
    """Where a user's notebook entries live."""
    return f"users/{uid}/notebook"


def _entry_path(uid: str, entry_id: str) -> str:
    return f"{entries_collection(uid)}/{entry_id}"


def _scores_collection(uid: str, entry_id: str) -> str:
    return f"{_entry_path(uid, entry_id)}/scores"


def _summary_path(uid: str) -> str:
    return f"users/{uid}/notebook_meta/summary"


def _ref_path(offer_id: str, uid: str) -> str:
    return f"{REFS}/{offer_id}~{uid}"


@dataclass(frozen=True)
class EntryFilter:
    """GET /notebook filters: all optional, combined with AND."""

    status: Status | None = None
    tag: str | None = None
    min_score: float | None = None
    stale: bool | None = None


@dataclass(frozen=True)
class Summary:
    """Counts by status and by tag."""

    by_status: dict[str, int]
    by_tag: dict[str, int]


@dataclass(frozen=True)
class OfferRef:
    """One user's entry keeping one offer."""

    offer_id: str
    uid: str
    entry_id: str


def _to_doc(entry: NotebookEntry) -> Data:
    data = entry.model_dump(mode="json")
    data["created_at"] = entry.created_at
    data["updated_at"] = entry.updated_at
    data["score_total"] = entry.score.total if entry.score is not None else None
    data["schema_version"] = SCHEMA_VERSION
    return data


def _of(data: Data) -> NotebookEntry:
    return NotebookEntry.model_validate(data)


def _bump(counts: dict[str, int], key: str, delta: int) -> None:
    value = counts.get(key, 0) + delta
    if value > 0:
        counts[key] = value
    else:
        counts.pop(key, None)


class NotebookRepository:
    """Typed access to the notebook aggregate."""

    collections = (REFS,)  # top level; entries, scores and counts live under users/{uid}

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    # ------------------------------------------------------------------ entries
    def find(self, uid: str, entry_id: str) -> NotebookEntry | None:
        """The entry, or None (also for another user's id)."""
        snap = self._store.get(_entry_path(uid, entry_id))
        return _of(snap.data) if snap is not None else None

    def get(self, uid: str, entry_id: str) -> NotebookEntry:
        """The entry; NotFound otherwise."""
        entry = self.find(uid, entry_id)
        if entry is None:
            raise NotFound(f"notebook entry {entry_id} not found")
        return entry

    def add(self, entry: NotebookEntry) -> tuple[NotebookEntry, bool]:
        """Store a new entry unless its id exists: (the stored entry, created)."""

        def apply(tx: Transaction) -> tuple[NotebookEntry, bool]:
            snap = tx.get(_entry_path(entry.uid, entry.id))
            summary = tx.get(_summary_path(entry.uid))
            if snap is not None:
                return _of(snap.data), False
            tx.create(_entry_path(entry.uid, entry.id), _to_doc(entry))
            tx.set(_summary_path(entry.uid), _counted(summary, None, entry))
            if entry.offer_id:
                tx.set(
                    _ref_path(entry.offer_id, entry.uid),
                    {
                        "offer_id": entry.offer_id,
                        "uid": entry.uid,
                        "entry_id": entry.id,
                        "schema_version": SCHEMA_VERSION,
                    },
                )
            return entry, True

        return self._store.run_transaction(apply)

    def update(
        self, uid: str, entry_id: str, change: Callable[[NotebookEntry], NotebookEntry]
    ) -> NotebookEntry:
        """Read, change and write one entry atomically (counts follow); NotFound when absent."""

        def apply(tx: Transaction) -> NotebookEntry:
            snap = tx.get(_entry_path(uid, entry_id))
            summary = tx.get(_summary_path(uid))
            if snap is None:
                raise NotFound(f"notebook entry {entry_id} not found")
            before = _of(snap.data)
            after = change(before)
            if after == before:
                return before
            tx.set(_entry_path(uid, entry_id), _to_doc(after))
            if (after.status, after.tags) != (before.status, before.tags):
                tx.set(_summary_path(uid), _counted(summary, before, after))
            return after

        return self._store.run_transaction(apply)

    def delete(self, uid: str, entry_id: str) -> None:
        """Remove the entry, its scores and its offer ref; NotFound when absent."""

        def apply(tx: Transaction) -> NotebookEntry:
            snap = tx.get(_entry_path(uid, entry_id))
            summary = tx.get(_summary_path(uid))
            if snap is None:
                raise NotFound(f"notebook entry {entry_id} not found")
            before = _of(snap.data)
            tx.delete(_entry_path(uid, entry_id))
            tx.set(_summary_path(uid), _counted(summary, before, None))
            if before.offer_id:
                tx.delete(_ref_path(before.offer_id, uid))
            return before

        self._store.run_transaction(apply)
        scores = [s.path for s in iter_pages(self._store, Query(_scores_collection(uid, entry_id)))]
        for start in range(0, len(scores), 400):
            batch = self._store.batch()
            for path in scores[start : start + 400]:
                batch.delete(path)
            batch.commit()

    def page_of(
        self, uid: str, filters: EntryFilter, *, sort: Sort, limit: int, cursor: str | None
    ) -> tuple[list[NotebookEntry], str | None]:
        """One page of entries, newest (or best) first: one query (indexes in the manifest)."""
        found: list[Filter] = []
        if filters.status is not None:
            found.append(Filter("status", Op.EQ, str(filters.status)))
        if filters.tag is not None:
            found.append(Filter("tags", Op.ARRAY_CONTAINS, filters.tag))
        if filters.stale is not None:
            found.append(Filter("stale", Op.EQ, filters.stale))
        if filters.min_score is not None:
            found.append(Filter("score_total", Op.GE, filters.min_score))
        order = (Order(_SORT_FIELD[sort], descending=True),)
        result = page(
            self._store, Query(entries_collection(uid), tuple(found), order), limit=limit, cursor=cursor
        )
        return [_of(s.data) for s in result.items], result.next_cursor

    def all(self, uid: str) -> Iterator[NotebookEntry]:
        """Every entry of the user, oldest first (export)."""
        query = Query(entries_collection(uid), order_by=(Order("created_at"),))
        for snap in iter_pages(self._store, query):
            yield _of(snap.data)

    def offer_ids(self, uid: str) -> list[str]:
        """Ids of the matched offers the user keeps (matching keeps their results)."""
        return sorted({e.offer_id for e in self.all(uid) if e.offer_id})

    def first_scored(self, uid: str) -> NotebookEntry | None:
        """Any entry with a score (one single-field query of one row)."""
        query = Query(entries_collection(uid), filters=(Filter("score_total", Op.GE, 0),), limit=1)
        found = self._store.query(query)
        return _of(found[0].data) if found else None

    def summary(self, uid: str) -> Summary:
        """Counts by status and by tag (one read)."""
        snap = self._store.get(_summary_path(uid))
        data = snap.data if snap is not None else {}
        return Summary(dict(data.get("by_status") or {}), dict(data.get("by_tag") or {}))

    def refs_for_offers(self, offer_ids: Sequence[str]) -> list[OfferRef]:
        """Every user's entry keeping one of these offers (``in`` queries of 30 ids)."""
        ids = sorted(set(offer_ids))
        out: list[OfferRef] = []
        for start in range(0, len(ids), 30):
            query = Query(REFS, filters=(Filter("offer_id", Op.IN, ids[start : start + 30]),))
            out += [
                OfferRef(s.data["offer_id"], s.data["uid"], s.data["entry_id"])
                for s in iter_pages(self._store, query)
            ]
        return out

    # ------------------------------------------------------------------ scores
    def score(self, uid: str, entry_id: str, inputs_hash: str) -> ScoreRecord | None:
        """The score these inputs produced, if any (the cache)."""
        from shared.domain.scoring.record import ScoreRecord

        snap = self._store.get(f"{_scores_collection(uid, entry_id)}/{inputs_hash}")
        return ScoreRecord.model_validate(snap.data) if snap is not None else None

    def add_score(
        self, record: ScoreRecord, change: Callable[[NotebookEntry], NotebookEntry]
    ) -> NotebookEntry:
        """Store a score and update its entry in one transaction; NotFound when the entry is gone."""
        path = f"{_scores_collection(record.uid, record.entry_id)}/{record.inputs_hash}"

        def apply(tx: Transaction) -> NotebookEntry:
            snap = tx.get(_entry_path(record.uid, record.entry_id))
            if snap is None:
                raise NotFound(f"notebook entry {record.entry_id} not found")
            after = change(_of(snap.data))
            tx.set(path, {**record.model_dump(mode="json"), "computed_at": record.computed_at})
            tx.set(_entry_path(record.uid, record.entry_id), _to_doc(after))
            return after

        return self._store.run_transaction(apply)

    def scores(
        self, uid: str, entry_id: str, *, limit: int, cursor: str | None
    ) -> tuple[list[ScoreRecord], str | None]:
        """Scores of one entry, newest first."""
        from shared.domain.scoring.record import ScoreRecord

        query = Query(_scores_collection(uid, entry_id), order_by=(Order("computed_at", descending=True),))
        result = page(self._store, query, limit=limit, cursor=cursor)
        return [ScoreRecord.model_validate(s.data) for s in result.items], result.next_cursor

    def scored(self, uid: str) -> Iterator[NotebookEntry]:
        """Entries that have a score which is not stale yet (bounded by the user's notebook)."""
        query = Query(entries_collection(uid), filters=(Filter("stale", Op.EQ, False),))
        for snap in iter_pages(self._store, query):
            entry = _of(snap.data)
            if entry.score is not None:
                yield entry


def _counted(summary: Any, before: NotebookEntry | None, after: NotebookEntry | None) -> Data:
    data = summary.data if summary is not None else {}
    by_status: dict[str, int] = dict(data.get("by_status") or {})
    by_tag: dict[str, int] = dict(data.get("by_tag") or {})
    if before is not None:
        _bump(by_status, str(before.status), -1)
        for tag in before.tags:
            _bump(by_tag, tag, -1)
    if after is not None:
        _bump(by_status, str(after.status), 1)
        for tag in after.tags:
            _bump(by_tag, tag, 1)
    return {"by_status": by_status, "by_tag": by_tag, "schema_version": SCHEMA_VERSION}
