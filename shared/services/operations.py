"""Operations: the one operator view of dead letters, their idempotent replay, and discard.

Every dead letter (a Pub/Sub message forwarded to a DLQ topic, or a task that failed its
queue's last attempt) is stored once under a deterministic id (the DeadLetters repository), so
recording it again (a redelivered DLQ push, the local queue's hook and the recorder both
hearing of it) changes nothing. Replay publishes the payload to its origin topic, or
re-enqueues it on its origin queue under a deterministic task name, and marks the letter
replayed; replaying a replayed letter is a no-op. Discard closes a letter that must not be
replayed (its work is obsolete or was fixed by hand) with the operator's uid, the time and a
reason: it leaves the default (dead) view but stays stored and listed under its own status.

A letter carries the failure class of the last attempt and a safe summary of its error
(shared/domain/error_summary.py). Pub/Sub forwards a message without its reason, so the edge
notes why each failed attempt of a message failed (``note_failed_attempt``) and recording
reads the note. Recording also settles the letter's owner (a document, a profile request)
FAILED with that class (shared/services/dead_letter_owners.py).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from shared.channels.dead_letters import DeadLetterForward
from shared.domain.dead_letters import DeadLetter, FailedAttempt, private_values
from shared.domain.error_summary import safe_summary
from shared.domain.errors import Conflict, InvalidInput, NotFound, PermanentError
from shared.domain.failures import FailureClass
from shared.ports import Clock, Publisher, TaskQueue
from shared.repositories.dead_letters import MAX_PAGE, DeadLetters
from shared.services.dead_letter_owners import DeadLetterOwners
from shared.topology import Topology

if TYPE_CHECKING:
    # Listing and bulk discard (operators) load their result types; recording does not.
    from shared.services.dead_letter_pages import BulkDiscard, DeadLetterPage, Skipped

REPLAY_OF = "replayOf"  # attribute on a replayed message: which dead letter it came from
_TASK_NAME = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
_log = logging.getLogger("career.operations")
# What a forwarded letter says when no attempt noted its error: the handler never got to.
_NO_REPORT = "max delivery attempts reached; no attempt reported an error (it timed out or crashed)"

Status = Literal["dead", "replayed", "discarded"]
REASON_MIN, REASON_MAX = 3, 500
MAX_DISCARD = 200  # letters one bulk discard may name


class DeadLetterService:
    """Records, lists and replays dead letters."""

    def __init__(
        self,
        letters: DeadLetters,
        clock: Clock,
        publisher: Publisher,
        tasks: TaskQueue,
        topology: Topology,
        owners: DeadLetterOwners,
    ) -> None:
        self._letters = letters
        self._clock = clock
        self._publisher = publisher
        self._tasks = tasks
        self._topology = topology
        self._owners = owners

    def record(self, dl: DeadLetter) -> None:
        """Store ``dl`` once and settle its owner; a second record of the same id keeps the first.

        A message's letter takes the class and summary its last failed attempt noted: the
        queue or Pub/Sub that gives up knows only that the push failed, not why.
        """
        if dl.kind == "message" and (function := self._function_of(dl.channel)) is not None:
            noted = self._letters.last_attempt(FailedAttempt.key(function, _json_or_text(dl.payload)))
            if noted is not None:
                dl = dl.model_copy(update={"failure_class": noted.failure_class, "last_error": noted.summary})
        self._letters.add(dl)
        stored = self._letters.get(dl.id) or dl
        self._owners.settle(stored)

    def note_failed_attempt(
        self, function: str, payload: dict[str, Any], failure_class: FailureClass, error: str
    ) -> None:
        """Note (as a safe summary) why ``function`` failed an attempt of ``payload``."""
        summary = safe_summary(error, hide=private_values(json.dumps(payload, default=str)))
        attempt = FailedAttempt(failure_class=failure_class, summary=summary, at=self._clock.now())
        self._letters.note_attempt(FailedAttempt.key(function, payload), attempt)

    def _function_of(self, subscription: str) -> str | None:
        try:
            return self._topology.subscription(subscription).function
        except KeyError:
            return None

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
            # Pub/Sub forwards the message, not the reason: record() takes the noted one.
            last_error=_NO_REPORT,
            failure_class=FailureClass.INTERNAL,
            at=self._clock.now(),
        )
        self.record(dl)
        return self._letters.get(dl.id) or dl

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
        from shared.services.dead_letter_pages import DeadLetterPage

        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
        found = self._letters.page(
            status=status, failure_class=failure_class, origin=origin, limit=limit, cursor=cursor
        )
        return DeadLetterPage(list(found.items), found.next_cursor)

    def get(self, dead_letter_id: str) -> DeadLetter:
        """One dead letter; NotFound when absent."""
        found = self._letters.get(_check_id(dead_letter_id))
        if found is None:
            raise NotFound(f"dead letter {dead_letter_id!r} not found")
        return found

    def replay(self, dead_letter_id: str) -> DeadLetter:
        """Send the letter's payload back to its origin once; a replayed letter is returned as is."""
        dl = self.get(dead_letter_id)
        if dl.status == "replayed":
            return dl
        if dl.status == "discarded":
            raise Conflict(
                f"dead letter {dl.id} was discarded; it is not replayed",
                detail={"dead_letter_id": dl.id, "status": dl.status},
            )
        payload = _payload(dl)
        n = dl.replay_count + 1
        # The owner this letter settled FAILED is reopened, or the replayed work would find it
        # finished and do nothing; a crash before the publish leaves the letter to replay again.
        self._owners.reopen(dl)
        # Publish first, then mark: a crash in between replays again rather than never.
        if dl.kind == "task":
            self._tasks.enqueue(dl.origin, payload, name=_replay_task_name(dl, n))
        else:
            self._publisher.publish(dl.origin, payload, attributes={**dl.attributes, REPLAY_OF: dl.id})
        return self._letters.mark_replayed(dl, self._clock.now())

    def replay_all(self, failure_class: FailureClass | None = None, origin: str | None = None) -> int:
        """Replay every dead (not yet replayed) letter matching the filters; returns how many."""
        # ids first: replay edits the set
        ids = self._letters.dead_ids(failure_class=failure_class, origin=origin)
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

    def discard(self, dead_letter_id: str, *, reason: str, by: str) -> DeadLetter:
        """Close a dead letter without replaying it, recording who, when and why.

        Discarding a letter already discarded by the same operator for the same reason is a
        no-op that returns it; a replayed letter, or one discarded otherwise, is a Conflict.
        """
        why = _reason(reason)
        found = self._letters.mark_discarded(
            _check_id(dead_letter_id), now=self._clock.now(), by=by, reason=why
        )
        if found is None:
            raise NotFound(f"dead letter {dead_letter_id!r} not found")
        dl, changed = found
        if changed or (dl.status == "discarded" and (dl.discarded_by, dl.discard_reason) == (by, why)):
            return dl
        raise Conflict(
            f"dead letter {dl.id} is {dl.status}; only a dead letter can be discarded",
            detail={"dead_letter_id": dl.id, "status": dl.status},
        )

    def discard_many(self, ids: Sequence[str], *, reason: str, by: str) -> BulkDiscard:
        """Discard each named letter; those absent or no longer dead are reported, not fatal."""
        from shared.services.dead_letter_pages import BulkDiscard, Skipped

        why = _reason(reason)
        if not 1 <= len(ids) <= MAX_DISCARD:
            raise InvalidInput(f"name between 1 and {MAX_DISCARD} dead letters to discard")
        done: list[DeadLetter] = []
        skipped: list[Skipped] = []
        for dead_letter_id in dict.fromkeys(ids):
            try:
                done.append(self.discard(dead_letter_id, reason=why, by=by))
            except (NotFound, Conflict) as err:
                skipped.append(Skipped(dead_letter_id, err.message))
        return BulkDiscard(done, skipped)


def _reason(reason: str) -> str:
    why = " ".join(reason.split())
    if not REASON_MIN <= len(why) <= REASON_MAX:
        raise InvalidInput(
            f"a discard needs a reason of {REASON_MIN} to {REASON_MAX} characters",
            detail={"field": "reason"},
        )
    return why


def _json_or_text(payload: str) -> Any:
    try:
        return json.loads(payload)
    except (json.JSONDecodeError, RecursionError):
        return payload


def _check_id(dead_letter_id: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", dead_letter_id):
        raise NotFound(f"dead letter {dead_letter_id!r} not found")
    return dead_letter_id


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
