"""What a user (or operator) can see after the stack settled: done, or FAILED with a class.

Each check returns readable problems; an empty list means nothing is left "in progress".
``next_action`` is checked wherever the model carries one (documents, journey steps): a
FAILED object must say what the user can do next.
"""

from __future__ import annotations

from typing import Any

from shared.domain.documents import Document, DocumentState
from shared.domain.failures import NextAction
from shared.domain.journey import StepState
from shared.domain.notebook import NotebookEntry
from shared.domain.runs import RunStatus
from shared.repositories.notebook import EntryFilter
from shared.repositories.runs import RunLedger
from shared.services.document_recovery import DocumentRecovery
from shared.services.documents import DocumentService
from shared.services.journey import JourneyService
from shared.services.notebook import NotebookService
from tests.support.fault_world import FaultWorld

DONE_DOCUMENTS = frozenset({DocumentState.EXTRACTED, DocumentState.FAILED})
DONE_RUNS = frozenset({RunStatus.COMPLETED, RunStatus.FAILED})


def unsettled(world: FaultWorld) -> list[str]:
    """Everything a user or operator would see as still in progress, or failed without a class."""
    c = world.container
    problems: list[str] = []
    if world.queue.pending():
        problems.append(f"{world.queue.pending()} deliveries still pending")
    for letter in world.dead_letters():
        if letter.status == "dead":
            problems.append(f"dead letter {letter.origin}/{letter.message_id} never replayed")
    for uid in sorted(world.uids):
        for step in c.make(JourneyService).journey(uid).steps:
            if step.state == StepState.IN_PROGRESS:
                problems.append(f"journey step {step.key} of {uid} in progress: {step.detail}")
            elif step.state == StepState.FAILED:
                problems += _failed_without_class(f"journey step {step.key}", step)
        for document in c.make(DocumentService).list(uid, limit=50).documents:
            if document.state not in DONE_DOCUMENTS:
                problems.append(f"document {document.id} left {document.state}")
            elif document.state == DocumentState.FAILED:
                problems += _failed_without_class(f"document {document.id}", document)
        for entry in _entries(world, uid):
            score = entry.score_state
            if score is not None and score.state == "queued":
                problems.append(f"notebook entry {entry.id} score left queued")
            elif score is not None and score.state == "failed":
                problems += _failed_without_class(f"notebook score {entry.id}", score)
    runs, _ = c.make(RunLedger).list()
    for run in runs:
        if run.status not in DONE_RUNS:
            problems.append(f"run {run.id} left {run.status}")
        elif run.status == RunStatus.FAILED:
            problems += _failed_without_class(f"run {run.id}", run)
    return problems


def failed_visibly(world: FaultWorld) -> list[str]:
    """The FAILED objects a user or operator sees (each with its class)."""
    c = world.container
    seen: list[str] = []
    for uid in sorted(world.uids):
        for document in c.make(DocumentService).list(uid, limit=50).documents:
            if document.state == DocumentState.FAILED:
                seen.append(f"document {document.failure_class}")
        for step in c.make(JourneyService).journey(uid).steps:
            if step.state == StepState.FAILED:
                seen.append(f"journey {step.key} {step.failure_class}")
        for entry in _entries(world, uid):
            if entry.score_state is not None and entry.score_state.state == "failed":
                seen.append(f"score {entry.score_state.failure_class}")
    runs, _ = c.make(RunLedger).list()
    seen += [f"run {r.failure_class}" for r in runs if r.status == RunStatus.FAILED]
    return seen


def retryable(world: FaultWorld) -> list[Document]:
    """FAILED documents whose next action is the user's retry."""
    return [
        document
        for uid in sorted(world.uids)
        for document in world.container.make(DocumentService).list(uid, limit=50).documents
        if document.state == DocumentState.FAILED and document.next_action == NextAction.RETRY
    ]


def retry_as_the_user(world: FaultWorld) -> int:
    """Take the next action RETRY wherever it is offered (POST /documents/{id}:retry); how many."""
    documents = retryable(world)
    for document in documents:
        world.container.make(DocumentRecovery).retry(document.uid, document.id)
    return len(documents)


def _failed_without_class(what: str, obj: Any) -> list[str]:
    problems = []
    if getattr(obj, "failure_class", None) is None:
        problems.append(f"{what} FAILED without a failure class")
    if hasattr(obj, "next_action") and obj.next_action is None:
        problems.append(f"{what} FAILED without a next action")
    return problems


def _entries(world: FaultWorld, uid: str) -> list[NotebookEntry]:
    entries, _, _ = world.container.make(NotebookService).list_entries(
        uid, EntryFilter(), sort="updated", limit=100, cursor=None
    )
    return entries
