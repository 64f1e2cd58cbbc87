"""Operations: the one operator view of dead letters, and their idempotent replay.

Every dead letter (a Pub/Sub message forwarded to a DLQ topic, or a task that failed its
queue's last attempt) is one document ``dead_letters/{id}`` with a deterministic id, so
recording it again (a redelivered DLQ push, the local queue's hook and the recorder both
hearing of it) changes nothing. Replay publishes the payload to its origin topic, or
re-enqueues it on its origin queue under a deterministic task name, and marks the letter
replayed; replaying a replayed letter is a no-op.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import AlreadyExists, InvalidInput, NotFound, PermanentError
from shared.domain.failures import FailureClass
from shared.messages import DeadLetterForward
from shared.ports import (
    Clock,
    DocumentStore,
    Filter,
    Op,
    Order,
    Publisher,
    Query,
    TaskQueue,
    Transaction,
    iter_pages,
)
from shared.repositories.pagination import page
from shared.topology import Topology

COLLECTION = "dead_letters"
MAX_PAGE = 200
REPLAY_OF = "replayOf"  # attribute on a replayed message: which dead letter it came from
_NEWEST_FIRST = (Order("dead_at", descending=True),)
_TASK_NAME = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
_log = logging.getLogger("career.operations")

Status = Literal["dead", "replayed"]


@dataclass(frozen=True)
class DeadLetterPage:
    """One page of dead letters, newest first, and the cursor of the next page."""

    items: list[DeadLetter] = field(default_factory=list)
    next_cursor: str | None = None


class DeadLetterService:
    """Records, lists and replays dead letters."""

    def __init__(
        self, store: DocumentStore, clock: Clock, publisher: Publisher, tasks: TaskQueue, topology: Topology
    ) -> None:
        self._store = store
        self._clock = clock
        self._publisher = publisher
        self._tasks = tasks
        self._topology = topology

    def record(self, dl: DeadLetter) -> None:
        """Store ``dl`` once; a second record of the same id keeps the first untouched."""
        try:
            self._store.create(_path(dl.id), dl.model_dump())
        except AlreadyExists:
            return

    def record_forward(self, forward: DeadLetterForward) -> DeadLetter:
        """Record a message Pub/Sub forwarded to a dead-letter topic (the recorder function)."""
        try:
            topic = self._topology.subscription(forward.subscription).topic
        except KeyError:
            raise InvalidInput(f"dead letter from unknown subscription {forward.subscription!r}") from None
        dl = DeadLetter.for_message(
            topic=topic,
            subscription=forward.subscription,
            message_id=forward.message_id,
            payload=json.dumps(forward.payload, ensure_ascii=False),
            attributes=forward.attributes,
            attempts=forward.delivery_count,
            # Pub/Sub forwards the message, not the reason; the handler's logs carry that.
            last_error="max delivery attempts reached (the handler's error is in its logs)",
            failure_class=FailureClass.INTERNAL,
            at=self._clock.now(),
        )
        self.record(dl)
        return dl

    def list(
        self,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        *,
        failure_class: FailureClass | None = None,
        origin: str | None = None,
    ) -> DeadLetterPage:
        """Dead letters, newest first, filtered by status, failure class and origin."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
        query = Query(COLLECTION, _filters(status, failure_class, origin), _NEWEST_FIRST)
        found = page(self._store, query, limit=limit, cursor=cursor, max_page=MAX_PAGE)
        return DeadLetterPage([DeadLetter.model_validate(s.data) for s in found.items], found.next_cursor)

    def get(self, dead_letter_id: str) -> DeadLetter:
        """One dead letter; NotFound when absent."""
        snap = self._store.get(_path(_check_id(dead_letter_id)))
        if snap is None:
            raise NotFound(f"dead letter {dead_letter_id!r} not found")
        return DeadLetter.model_validate(snap.data)

    def replay(self, dead_letter_id: str) -> DeadLetter:
        """Send the letter's payload back to its origin once; a replayed letter is returned as is."""
        dl = self.get(dead_letter_id)
        if dl.status == "replayed":
            return dl
        payload = _payload(dl)
        n = dl.replay_count + 1
        # Publish first, then mark: a crash in between replays again rather than never.
        if dl.kind == "task":
            self._tasks.enqueue(dl.origin, payload, name=_replay_task_name(dl, n))
        else:
            self._publisher.publish(dl.origin, payload, attributes={**dl.attributes, REPLAY_OF: dl.id})
        now = self._clock.now()

        def mark(txn: Transaction) -> DeadLetter:
            snap = txn.get(_path(dl.id))
            current = DeadLetter.model_validate(snap.data) if snap is not None else dl
            if current.status == "replayed":
                return current
            changes = {"status": "replayed", "replay_count": current.replay_count + 1, "replayed_at": now}
            txn.update(_path(dl.id), changes)
            return current.model_copy(update=changes)

        return self._store.run_transaction(mark)

    def replay_all(self, failure_class: FailureClass | None = None, origin: str | None = None) -> int:
        """Replay every dead (not yet replayed) letter matching the filters; returns how many."""
        query = Query(COLLECTION, _filters("dead", failure_class, origin), _NEWEST_FIRST)
        ids = [snap.id for snap in iter_pages(self._store, query)]  # ids first: replay edits the set
        replayed = 0
        for dead_letter_id in ids:
            try:
                self.replay(dead_letter_id)
            except PermanentError as err:
                # One unreplayable letter (its topic or queue gone) must not stop the rest.
                _log.warning("dead letter %s not replayed: %s", dead_letter_id, err.message)
                continue
            replayed += 1
        return replayed


def _path(dead_letter_id: str) -> str:
    return f"{COLLECTION}/{dead_letter_id}"


def _check_id(dead_letter_id: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", dead_letter_id):
        raise NotFound(f"dead letter {dead_letter_id!r} not found")
    return dead_letter_id


def _filters(
    status: str | None, failure_class: FailureClass | None, origin: str | None
) -> tuple[Filter, ...]:
    pairs = (("status", status), ("failure_class", failure_class), ("origin", origin))
    return tuple(Filter(name, Op.EQ, str(value)) for name, value in pairs if value is not None)


def _payload(dl: DeadLetter) -> dict[str, Any]:
    try:
        payload = json.loads(dl.payload)
    except json.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict):
        raise InvalidInput(f"dead letter {dl.id} has no JSON object payload to replay")
    return payload


def _replay_task_name(dl: DeadLetter, n: int) -> str:
    """``<original>-replay-<n>``: the same replay always enqueues the same (deduplicated) task."""
    name = f"{dl.message_id.rsplit('/', 1)[-1]}-replay-{n}"
    return name if _TASK_NAME.match(name) else f"dead-letter-{dl.id}-replay-{n}"
