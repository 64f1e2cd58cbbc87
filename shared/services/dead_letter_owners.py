"""Settling the record that owns dead-lettered work, so nothing a user sees stays "in progress".

When an upload's finalize event, an extraction task, a profile task or a notebook score task
is dead-lettered, its document, profile request or entry score would otherwise wait for an
outcome that never comes. Recording
the dead letter settles the owner FAILED with the letter's failure class (the class of the
last attempt) and a message written for the user, never the raw error. Settling is
idempotent: a record already finished (EXTRACTED, FAILED, REJECTED, deleted) is left as it is.
Replaying the letter (operators) reopens a document it settled, whatever the class, and so
restarts the work; ``POST /documents/{id}:retry`` (the user) restarts a retryable one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from shared.channels import InvalidMessage, Message, channel_of, decode
from shared.channels.extraction import ExtractionTask
from shared.channels.profile_events import ProfileVersionCreated
from shared.channels.profiles import ProfileTask
from shared.channels.uploads import UploadFinalized
from shared.domain.dead_letters import DeadLetter
from shared.domain.documents import DocumentState, parse_object_name
from shared.domain.errors import NotFound
from shared.domain.failures import FailureClass
from shared.ports import Clock, DocumentStore
from shared.repositories.career_profiles import CareerProfiles, ProfileFailure
from shared.repositories.documents import Documents
from shared.repositories.matches import Matches, MatchFailure
from shared.topology import Topology

_log = logging.getLogger("career.operations")
_UNSETTLED = (DocumentState.PENDING_UPLOAD, DocumentState.UPLOADED, DocumentState.EXTRACTING)
_DOCUMENT_GAVE_UP = "We could not process this document after several attempts; retry it."
_PROFILE_GAVE_UP = "We could not build your career profile after several attempts; try again."
_MATCHING_GAVE_UP = "We could not rank offers against your profile after several attempts."
_SCORE_GAVE_UP = "We could not score this posting after several attempts."
_MATCHER = "match_offers"  # the function whose profile events make match runs
_SCORER = "score_offer"  # the function whose tasks score notebook entries


class DeadLetterOwners:
    """Marks the document or profile request of a dead letter FAILED with its class."""

    def __init__(
        self,
        documents: Documents,
        profiles: CareerProfiles,
        matches: Matches,
        clock: Clock,
        topology: Topology,
        *,
        store: DocumentStore,
    ) -> None:
        self._documents = documents
        self._profiles = profiles
        self._matches = matches
        self._clock = clock
        self._store = store  # the notebook's, read only when a score task was dead-lettered
        self._scoring = frozenset(q.name for q in topology.queues if q.function == _SCORER)
        # Keyed by subscription (messages) or queue (tasks): a topic may feed several owners.
        matcher = [
            s.name
            for s in topology.subscriptions_of(channel_of(ProfileVersionCreated, topology))
            if s.function == _MATCHER
        ]
        self._settlers: dict[str, tuple[type[Message], Callable[[Message, FailureClass], None]]] = {
            **{
                s.name: (UploadFinalized, self._upload)
                for s in topology.subscriptions_of(channel_of(UploadFinalized, topology))
            },
            channel_of(ExtractionTask, topology): (ExtractionTask, self._extraction),
            channel_of(ProfileTask, topology): (ProfileTask, self._profile),
            **dict.fromkeys(matcher, (ProfileVersionCreated, self._matching)),
        }

    def settle(self, letter: DeadLetter) -> None:
        """Settle the owner of ``letter`` (work on a channel with no user-visible owner: nothing)."""
        if letter.channel in self._scoring:
            self._score(letter)
            return
        found = self._settlers.get(letter.channel)
        if found is None:
            return
        model, settle = found
        try:
            message = decode(model, json.loads(letter.payload))
        except (InvalidMessage, json.JSONDecodeError, RecursionError):
            return  # an invalid payload names no owner we could trust
        settle(message, letter.failure_class)

    def reopen(self, letter: DeadLetter) -> None:
        """Before a replay: a document this letter settled FAILED goes back to where its work
        starts, whatever the class, so the replayed work is not ignored as finished."""
        found = self._settlers.get(letter.channel)
        if found is None or found[0] not in (UploadFinalized, ExtractionTask):
            return  # only documents are settled in a state the replayed work would skip
        try:
            message = decode(found[0], json.loads(letter.payload))
        except (InvalidMessage, json.JSONDecodeError, RecursionError):
            return
        if isinstance(message, UploadFinalized):
            owner = parse_object_name(message.name)
        else:
            assert isinstance(message, ExtractionTask)
            owner = (message.uid, message.document_id)
        if owner is not None:
            self._documents.transition(
                *owner,
                when=lambda d: d.state == DocumentState.FAILED and d.failure_message == _DOCUMENT_GAVE_UP,
                move=lambda d: d.reopened(at=self._clock.now()),
            )

    def _upload(self, message: Message, failure: FailureClass) -> None:
        assert isinstance(message, UploadFinalized)
        parsed = parse_object_name(message.name)
        if parsed is not None:
            self._fail_document(*parsed, failure)

    def _extraction(self, message: Message, failure: FailureClass) -> None:
        assert isinstance(message, ExtractionTask)
        self._fail_document(message.uid, message.document_id, failure)

    def _profile(self, message: Message, failure: FailureClass) -> None:
        assert isinstance(message, ProfileTask)
        record = ProfileFailure(str(failure), _PROFILE_GAVE_UP, message.document_id, self._clock.now())
        self._profiles.record_failure(message.uid, record)

    def _matching(self, message: Message, failure: FailureClass) -> None:
        assert isinstance(message, ProfileVersionCreated)
        record = MatchFailure(str(failure), _MATCHING_GAVE_UP, message.version, self._clock.now())
        self._matches.record_failure(message.uid, record)

    def _score(self, letter: DeadLetter) -> None:
        """A queued score of a notebook entry becomes failed (a done or failed one is left)."""
        # Loaded here: only a dead-lettered score needs the notebook (cold start of the others).
        from shared.channels.scoring import ScoreTask
        from shared.domain.notebook import NotebookEntry, ScoringState
        from shared.repositories.notebook import NotebookRepository

        try:
            task = decode(ScoreTask, json.loads(letter.payload))
        except (InvalidMessage, json.JSONDecodeError, RecursionError):
            return
        failed = ScoringState(
            state="failed",
            at=self._clock.now(),
            failure_class=str(letter.failure_class),
            message=_SCORE_GAVE_UP,
        )

        def change(entry: NotebookEntry) -> NotebookEntry:
            if entry.score_state is None or entry.score_state.state != "queued":
                return entry  # scored, failed already (the task settled it), or never asked
            return entry.model_copy(update={"score_state": failed})

        try:
            NotebookRepository(self._store).update(task.uid, task.entry_id, change)
        except NotFound:
            return  # the entry was removed since: nothing waits for this score

    def _fail_document(self, uid: str, doc_id: str, failure: FailureClass) -> None:
        settled = self._documents.transition(
            uid,
            doc_id,
            when=_UNSETTLED,
            move=lambda d: d.failed(failure, _DOCUMENT_GAVE_UP, at=self._clock.now()),
        )
        if settled is not None and settled.state == DocumentState.FAILED:
            _log.info("document settled FAILED by its dead letter", extra={"fields": {"class": failure}})
