"""The extraction task: UPLOADED -> EXTRACTING -> EXTRACTED (text stored, profile task queued) | FAILED.

Idempotent under redelivery: a finished document only re-drives its (named, deduplicated)
profile task; a document deleted meanwhile acknowledges the task and leaves no text behind.
A crash between the text write and the state change is harmless: the retry rewrites the
same text and moves the document then.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from shared.channels import enqueue
from shared.channels.extraction import ExtractionTask
from shared.channels.profiles import ProfileTask
from shared.domain.documents import Document, DocumentState
from shared.domain.errors import NotFound, PermanentError
from shared.domain.failures import FailureClass
from shared.repositories.documents import Documents
from shared.services.pdf_reading import ExtractionLimits, ExtractionOutcome, extract_pdf, sha256_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from shared.config import Settings
    from shared.ports import BlobStore, Clock, TaskQueue, TextExtractor

TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
_GAVE_UP = "We could not process this PDF after several attempts; retry it."
_STORAGE = "We could not store this document's text; retry it."


def _startable(document: Document) -> bool:
    # EXTRACTING: a retried attempt; FAILED(retryable class): an operator replaying the dead letter.
    return document.state in (DocumentState.UPLOADED, DocumentState.EXTRACTING) or document.restartable


_log = logging.getLogger("career.documents")


def profile_task_name(doc_id: str, text_sha256: str) -> str:
    """One profile task per document text (the queue dedupes a re-drive)."""
    return f"profile-{doc_id}-{text_sha256[:16]}"


class DocumentExtraction:
    """Runs one extraction task."""

    def __init__(
        self,
        documents: Documents,
        uploads: BlobStore,
        texts: BlobStore,
        tasks: TaskQueue,
        extractor: TextExtractor,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self._documents = documents
        self._uploads = uploads
        self._texts = texts
        self._tasks = tasks
        self._extractor = extractor
        self._clock = clock
        self._limits = ExtractionLimits.from_settings(settings)

    def run(self, request: ExtractionTask, *, final_attempt: bool = False) -> dict[str, Any]:
        """Extract the document's text; returns a small summary for the task response.

        An unexpected error propagates (the queue retries); on the queue's final attempt the
        document is settled FAILED(INTERNAL) first, so it never stays EXTRACTING forever.
        """
        uid, doc_id = request.uid, request.document_id
        started = self._documents.transition(
            uid, doc_id, when=_startable, move=lambda d: d.extracting(at=self._clock.now())
        )
        if started is None:
            return {"document_id": request.document_id, "state": "DELETED"}
        if started.state != DocumentState.EXTRACTING:
            self._queue_profile(started)
            return _summary(started)
        try:
            done = self._complete((uid, doc_id), started)
        except PermanentError as err:
            # The task is acknowledged on a PermanentError, so no later attempt will settle the
            # document: settle it now (restartable INTERNAL: the PDF itself was not at fault).
            _log.warning("extraction failed permanently: %s", type(err).__name__)
            done = self._finish(
                (uid, doc_id), lambda d: d.failed(FailureClass.INTERNAL, _STORAGE, at=self._clock.now())
            )
        except Exception:
            if final_attempt:
                self._finish(
                    (uid, doc_id), lambda d: d.failed(FailureClass.INTERNAL, _GAVE_UP, at=self._clock.now())
                )
            raise
        if done is None:
            return {"document_id": request.document_id, "state": "DELETED"}
        # Outside the try: a refused enqueue is no fault of the PDF. Raised, it is retried or
        # dead-lettered, and the replay of an EXTRACTED document queues its profile again.
        self._queue_profile(done)
        return _summary(done)

    def _complete(self, key: tuple[str, str], started: Document) -> Document | None:
        outcome = self._extract(started)
        if outcome.result is None:
            failure = outcome.failure_class or FailureClass.PDF_CORRUPT
            message = outcome.message or "The PDF could not be read."
            done = self._finish(key, lambda d: d.failed(failure, message, at=self._clock.now()))
        else:
            result, text_sha = outcome.result, sha256_text(outcome.result.text)
            self._texts.write(
                started.text_object, result.text.encode("utf-8"), content_type=TEXT_CONTENT_TYPE
            )
            done = self._finish(
                key,
                lambda d: d.extracted(
                    pages=result.pages,
                    chars=result.chars,
                    language=result.language,
                    truncated=result.truncated,
                    text_sha256=text_sha,
                    at=self._clock.now(),
                ),
            )
            if done is None:  # deleted while extracting: leave nothing behind
                self._texts.delete(started.text_object)
        return done

    def _extract(self, document: Document) -> ExtractionOutcome:
        try:
            data = self._uploads.read(document.object_name)
        except NotFound:
            return ExtractionOutcome(
                "failed", failure_class=FailureClass.UPLOAD_REJECTED, message="The file is gone."
            )
        if hashlib.sha256(data).hexdigest() != document.sha256:
            return ExtractionOutcome(
                "failed",
                failure_class=FailureClass.UPLOAD_REJECTED,
                message="The file changed after it was confirmed; upload it again.",
            )
        return extract_pdf(self._extractor, data, limits=self._limits)

    def _finish(self, key: tuple[str, str], move: Callable[[Document], Document]) -> Document | None:
        # A document no longer EXTRACTING was finished by a concurrent attempt: it stays as it is.
        uid, doc_id = key
        return self._documents.transition(uid, doc_id, when=(DocumentState.EXTRACTING,), move=move)

    def _queue_profile(self, document: Document) -> None:
        queue_profile_task(self._tasks, document)


def queue_profile_task(tasks: TaskQueue, document: Document) -> None:
    """Queue the (named, deduplicated) profile task of a freshly extracted document."""
    if document.state == DocumentState.EXTRACTED and document.text_sha256 and document.linked_to is None:
        enqueue(
            tasks,
            ProfileTask(uid=document.uid, document_id=document.id),
            name=profile_task_name(document.id, document.text_sha256),
        )


def _summary(document: Document) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "state": str(document.state),
        "failure_class": str(document.failure_class) if document.failure_class else None,
    }
