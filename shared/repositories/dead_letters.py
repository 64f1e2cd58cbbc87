"""Dead letters: the one place that knows how they are stored (``dead_letters/{id}``).

The id is deterministic (origin + message id or task name), so recording the same letter
twice is one document. ``dead_letter_attempts/{key}`` keeps why the latest failed attempt of a
message failed, keyed by function and payload (FailedAttempt.key), kept 8 days (the TTL
field ``expires_at``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.domain.dead_letters import DeadLetter, FailedAttempt
from shared.domain.errors import AlreadyExists
from shared.domain.failures import FailureClass
from shared.ports import DocumentStore, Filter, Op, Order, Query, Transaction, iter_pages
from shared.repositories.pagination import Page, page

DEAD_LETTERS = "dead_letters"
ATTEMPTS = "dead_letter_attempts"
# Longer than any subscription keeps retrying a message (Pub/Sub retains messages 7 days).
ATTEMPT_RETENTION = timedelta(days=8)
MAX_PAGE = 200
_NEWEST_FIRST = (Order("dead_at", descending=True),)


def _path(dead_letter_id: str) -> str:
    return f"{DEAD_LETTERS}/{dead_letter_id}"


class DeadLetters:
    """The operator view's letters."""

    collections = (DEAD_LETTERS, ATTEMPTS)

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def add(self, dl: DeadLetter) -> bool:
        """Store ``dl`` once; False when a letter with its id was already there (kept untouched)."""
        try:
            self._store.create(_path(dl.id), dl.model_dump())
        except AlreadyExists:
            return False
        return True

    def note_attempt(self, key: str, attempt: FailedAttempt) -> None:
        """Remember why the latest attempt of a message (FailedAttempt.key) failed."""
        data = {**attempt.model_dump(), "expires_at": attempt.at + ATTEMPT_RETENTION}
        self._store.set(f"{ATTEMPTS}/{key}", data)

    def last_attempt(self, key: str) -> FailedAttempt | None:
        """The note of the latest failed attempt, None when none was noted."""
        snap = self._store.get(f"{ATTEMPTS}/{key}")
        return FailedAttempt.model_validate(snap.data) if snap is not None else None

    def get(self, dead_letter_id: str) -> DeadLetter | None:
        """One letter, None when absent."""
        snap = self._store.get(_path(dead_letter_id))
        return DeadLetter.model_validate(snap.data) if snap is not None else None

    def page(
        self,
        *,
        status: str | None,
        failure_class: FailureClass | None,
        origin: str | None,
        limit: int,
        cursor: str | None,
    ) -> Page[DeadLetter]:
        """Letters newest first, filtered (each combination has its index in the manifest)."""
        query = Query(DEAD_LETTERS, _filters(status, failure_class, origin), _NEWEST_FIRST)
        found = page(self._store, query, limit=limit, cursor=cursor, max_page=MAX_PAGE)
        return found.map(lambda s: DeadLetter.model_validate(s.data))

    def dead_ids(self, *, failure_class: FailureClass | None, origin: str | None) -> list[str]:
        """Ids of the letters not yet replayed that match the filters (paged reads)."""
        query = Query(DEAD_LETTERS, _filters("dead", failure_class, origin), _NEWEST_FIRST)
        return [snap.id for snap in iter_pages(self._store, query)]

    def mark_replayed(self, dl: DeadLetter, now: datetime) -> DeadLetter:
        """Mark the letter replayed once (a replayed letter is returned as stored)."""

        def mark(txn: Transaction) -> DeadLetter:
            snap = txn.get(_path(dl.id))
            current = DeadLetter.model_validate(snap.data) if snap is not None else dl
            if current.status != "dead":  # replayed already, or discarded meanwhile
                return current
            changes = {"status": "replayed", "replay_count": current.replay_count + 1, "replayed_at": now}
            txn.update(_path(dl.id), changes)
            return current.model_copy(update=changes)

        return self._store.run_transaction(mark)

    def mark_discarded(
        self, dead_letter_id: str, *, now: datetime, by: str, reason: str
    ) -> tuple[DeadLetter, bool] | None:
        """Discard a dead letter once, recording who, when and why; None when absent.

        Returns the letter and whether this call discarded it: a letter that is not dead
        (replayed, or discarded already) is returned as stored.
        """

        def mark(txn: Transaction) -> tuple[DeadLetter, bool] | None:
            snap = txn.get(_path(dead_letter_id))
            if snap is None:
                return None
            current = DeadLetter.model_validate(snap.data)
            if current.status != "dead":
                return current, False
            changes = {
                "status": "discarded",
                "discarded_at": now,
                "discarded_by": by,
                "discard_reason": reason,
            }
            txn.update(_path(dead_letter_id), changes)
            return current.model_copy(update=changes), True

        return self._store.run_transaction(mark)

    def since(self, start: datetime, *, limit: int) -> list[DeadLetter]:
        """Letters that died at or after ``start``, newest first, at most ``limit`` of them."""
        query = Query(DEAD_LETTERS, (Filter("dead_at", Op.GE, start),), _NEWEST_FIRST)
        found: list[DeadLetter] = []
        for snap in iter_pages(self._store, query):
            if len(found) == limit:
                break
            found.append(DeadLetter.model_validate(snap.data))
        return found


def _filters(
    status: str | None, failure_class: FailureClass | None, origin: str | None
) -> tuple[Filter, ...]:
    pairs = (("status", status), ("failure_class", failure_class), ("origin", origin))
    return tuple(Filter(name, Op.EQ, str(value)) for name, value in pairs if value is not None)
