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

from shared.channels import InvalidMessage, M, decode
from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import NotFound
from shared.domain.failures import FailureClass
from shared.ports import Clock, DocumentStore
from shared.repositories.career_profiles import CareerProfiles, ProfileFailure
from shared.repositories.documents import Documents
from shared.repositories.matches import Matches, MatchFailure
from shared.topology import Topology

_log = logging.getLogger("career.operations")
_DOCUMENT_GAVE_UP = "We could not process this document after several attempts; retry it."
_PROFILE_GAVE_UP = "We could not build your career profile after several attempts; try again."
_MATCHING_GAVE_UP = "We could not rank offers against your profile after several attempts."
_SCORE_GAVE_UP = "We could not score this posting after several attempts."
_MATCHER = "match_offers"  # the function whose profile events make match runs
_SCORER = "score_offer"  # the function whose tasks score notebook entries
# The models of owned work, by the names the manifest gives them (shared/topology.py): each
# settler imports its own model when it runs, so recording a letter loads that letter's model
# only (docs/decisions/0090-cold-start-budget.md).
_UPLOADS, _EXTRACTION, _PROFILES, _PROFILE_EVENTS = (
    "UploadFinalized",
    "ExtractionTask",
    "ProfileTask",
    "ProfileVersionCreated",
)

Settle = Callable[[str, FailureClass], None]  # (the letter's payload, its failure class)


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
        # Keyed by subscription (messages) or queue (tasks): a topic may feed several owners.
        uploads = topology.subscriptions_of(topology.topic_for(_UPLOADS).name)
        matcher = [
            s
            for s in topology.subscriptions_of(topology.topic_for(_PROFILE_EVENTS).name)
            if s.function == _MATCHER
        ]
        self._settlers: dict[str, Settle] = {
            **{s.name: self._upload for s in uploads},
            topology.queue_for(_EXTRACTION).name: self._extraction,
            topology.queue_for(_PROFILES).name: self._profile,
            **{s.name: self._matching for s in matcher},
            **{q.name: self._score for q in topology.queues if q.function == _SCORER},
        }
        # Only documents are settled in a state the replayed work would skip.
        self._reopeners: dict[str, Settle] = {
            **{s.name: self._reopen_upload for s in uploads},
            topology.queue_for(_EXTRACTION).name: self._reopen_extraction,
        }

    def settle(self, letter: DeadLetter) -> None:
        """Settle the owner of ``letter`` (work on a channel with no user-visible owner: nothing)."""
        settle = self._settlers.get(letter.channel)
        if settle is not None:
            settle(letter.payload, letter.failure_class)

    def reopen(self, letter: DeadLetter) -> None:
        """Before a replay: a document this letter settled FAILED goes back to where its work
        starts, whatever the class, so the replayed work is not ignored as finished."""
        reopen = self._reopeners.get(letter.channel)
        if reopen is not None:
            reopen(letter.payload, letter.failure_class)

    # ------------------------------------------------------------------ settlers
    def _upload(self, payload: str, failure: FailureClass) -> None:
        from shared.channels.uploads import UploadFinalized
        from shared.domain.documents import parse_object_name

        message = _decoded(UploadFinalized, payload)
        parsed = parse_object_name(message.name) if message is not None else None
        if parsed is not None:
            self._fail_document(*parsed, failure)

    def _extraction(self, payload: str, failure: FailureClass) -> None:
        from shared.channels.extraction import ExtractionTask

        message = _decoded(ExtractionTask, payload)
        if message is not None:
            self._fail_document(message.uid, message.document_id, failure)

    def _profile(self, payload: str, failure: FailureClass) -> None:
        from shared.channels.profiles import ProfileTask

        message = _decoded(ProfileTask, payload)
        if message is not None:
            record = ProfileFailure(str(failure), _PROFILE_GAVE_UP, message.document_id, self._clock.now())
            self._profiles.record_failure(message.uid, record)

    def _matching(self, payload: str, failure: FailureClass) -> None:
        from shared.channels.profile_events import ProfileVersionCreated

        message = _decoded(ProfileVersionCreated, payload)
        if message is not None:
            record = MatchFailure(str(failure), _MATCHING_GAVE_UP, message.version, self._clock.now())
            self._matches.record_failure(message.uid, record)

    def _score(self, payload: str, failure: FailureClass) -> None:
        """A queued score of a notebook entry becomes failed (a done or failed one is left)."""
        # Loaded here: only a dead-lettered score needs the notebook (cold start of the others).
        from shared.channels.scoring import ScoreTask
        from shared.domain.notebook import NotebookEntry, ScoringState
        from shared.repositories.notebook import NotebookRepository

        task = _decoded(ScoreTask, payload)
        if task is None:
            return
        failed = ScoringState(
            state="failed",
            at=self._clock.now(),
            failure_class=str(failure),
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
        from shared.domain.documents import DocumentState

        unsettled = (DocumentState.PENDING_UPLOAD, DocumentState.UPLOADED, DocumentState.EXTRACTING)
        settled = self._documents.transition(
            uid,
            doc_id,
            when=unsettled,
            move=lambda d: d.failed(failure, _DOCUMENT_GAVE_UP, at=self._clock.now()),
        )
        if settled is not None and settled.state == DocumentState.FAILED:
            _log.info("document settled FAILED by its dead letter", extra={"fields": {"class": failure}})

    # ------------------------------------------------------------------ reopeners
    def _reopen_upload(self, payload: str, failure: FailureClass) -> None:
        from shared.channels.uploads import UploadFinalized
        from shared.domain.documents import parse_object_name

        message = _decoded(UploadFinalized, payload)
        owner = parse_object_name(message.name) if message is not None else None
        if owner is not None:
            self._reopen_document(*owner)

    def _reopen_extraction(self, payload: str, failure: FailureClass) -> None:
        from shared.channels.extraction import ExtractionTask

        message = _decoded(ExtractionTask, payload)
        if message is not None:
            self._reopen_document(message.uid, message.document_id)

    def _reopen_document(self, uid: str, doc_id: str) -> None:
        from shared.domain.documents import DocumentState

        self._documents.transition(
            uid,
            doc_id,
            when=lambda d: d.state == DocumentState.FAILED and d.failure_message == _DOCUMENT_GAVE_UP,
            move=lambda d: d.reopened(at=self._clock.now()),
        )


def _decoded(model: type[M], payload: str) -> M | None:
    """``payload`` as ``model``; None when it does not decode (an invalid payload names no
    owner we could trust)."""
    try:
        return decode(model, json.loads(payload))
    except (InvalidMessage, json.JSONDecodeError, RecursionError):
        return None
