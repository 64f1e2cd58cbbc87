"""What a user can do about a FAILED document: retry it, or unlock a password-protected PDF.

Retry (``POST /documents/{id}:retry``) restarts a failure whose class is retryable (its next
action is ``retry``: an unexpected error, a timeout, dead-lettered work). A confirmed upload
goes back to UPLOADED with a new, named extraction task; one that never got confirmed goes
back to PENDING_UPLOAD and is confirmed again at once. A second call while the work is queued
or running answers the document as it is and queues nothing.

Unlock (``POST /documents/{id}:unlock``) opens a PDF that failed as PDF_ENCRYPTED with the
owner's password, in the request: the password is used once, here, and never stored, logged
or put on a queue (task payloads are stored and shown to operators). The text is written and
the document continues from EXTRACTED as any extraction would (its profile task is queued).
docs/decisions/0122-document-retry-and-unlock.md.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from shared.channels import enqueue
from shared.channels.extraction import ExtractionTask
from shared.domain.documents import Document, DocumentState
from shared.domain.errors import Conflict, InvalidInput, NotFound
from shared.domain.failures import FailureClass
from shared.repositories.documents import Documents
from shared.services.extraction_task import TEXT_CONTENT_TYPE, queue_profile_task
from shared.services.pdf_reading import ExtractionLimits, extract_pdf, sha256_text
from shared.services.upload_confirmation import UploadConfirmation, extraction_task_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from shared.config import Settings
    from shared.ports import BlobStore, Clock, TaskQueue, TextExtractor

_QUEUED = (DocumentState.UPLOADED, DocumentState.EXTRACTING)


def retry_task_name(document: Document) -> str:
    """The extraction task of the retry after ``extraction_attempts`` attempts (the queue dedupes)."""
    first = extraction_task_name(document.id, document.generation or "0")
    return f"{first}-retry-{document.extraction_attempts}"


class DocumentRecovery:
    """Retry and unlock of the caller's failed documents."""

    def __init__(
        self,
        documents: Documents,
        confirmation: UploadConfirmation,
        uploads: BlobStore,
        texts: BlobStore,
        tasks: TaskQueue,
        extractor: TextExtractor,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self._documents = documents
        self._confirmation = confirmation
        self._uploads = uploads
        self._texts = texts
        self._tasks = tasks
        self._extractor = extractor
        self._clock = clock
        self._limits = ExtractionLimits.from_settings(settings)

    def retry(self, uid: str, doc_id: str) -> Document:
        """Queue the work of a retryable failure again; Conflict for any other state."""
        document = self._documents.load(uid, doc_id)
        if document.state in _QUEUED:
            return document  # already queued or running: nothing more to queue
        if not (document.state == DocumentState.FAILED and document.restartable):
            raise _not_retryable(document)
        moved = self._documents.transition(
            uid,
            doc_id,
            when=lambda d: d.state == DocumentState.FAILED and d.restartable,
            move=lambda d: d.retried(at=self._clock.now()),
        )
        if moved is None:
            raise NotFound("document not found")
        if moved.state == DocumentState.UPLOADED:
            # Named after the attempts so far: a concurrent retry enqueues the same name, once.
            request = ExtractionTask(uid=uid, document_id=doc_id, generation=moved.generation)
            enqueue(self._tasks, request, name=retry_task_name(moved))
            return moved
        if moved.state == DocumentState.PENDING_UPLOAD:
            return self._confirmation.confirm_for_user(uid, doc_id)
        return moved

    def unlock(self, uid: str, doc_id: str, password: str) -> Document:
        """Open an encrypted PDF with ``password`` and store its text; 422 when it does not open it."""
        document = self._documents.load(uid, doc_id)
        if document.state != DocumentState.FAILED or document.failure_class != FailureClass.PDF_ENCRYPTED:
            raise Conflict(
                "only a document that failed as password-protected can be unlocked",
                detail={"state": str(document.state)},
            )
        data = self._pdf(document)
        outcome = extract_pdf(self._extractor, data, limits=self._limits, password=password)
        if outcome.result is None:
            failure = outcome.failure_class or FailureClass.PDF_CORRUPT
            if failure == FailureClass.PDF_ENCRYPTED:
                # The state stays as it is: the owner may try another password.
                raise InvalidInput("The password does not open this PDF.", failure_class=failure)
            message = outcome.message or "The PDF could not be read."
            return self._settle(document, lambda d: d.failed(failure, message, at=self._clock.now()))
        result, text_sha = outcome.result, sha256_text(outcome.result.text)
        self._texts.write(document.text_object, result.text.encode("utf-8"), content_type=TEXT_CONTENT_TYPE)
        done = self._settle(
            document,
            lambda d: d.unlocked(
                pages=result.pages,
                chars=result.chars,
                language=result.language,
                truncated=result.truncated,
                text_sha256=text_sha,
                at=self._clock.now(),
            ),
        )
        queue_profile_task(self._tasks, done)
        return done

    def _pdf(self, document: Document) -> bytes:
        try:
            data = self._uploads.read(document.object_name)
        except NotFound:
            raise Conflict("the file is gone; upload it again") from None
        if hashlib.sha256(data).hexdigest() != document.sha256:
            raise Conflict("the file changed after it was confirmed; upload it again")
        return data

    def _settle(self, document: Document, move: Callable[[Document], Document]) -> Document:
        # Only from FAILED(PDF_ENCRYPTED): a concurrent unlock that won leaves it as it stands.
        settled = self._documents.transition(
            document.uid,
            document.id,
            when=lambda d: d.state == DocumentState.FAILED and d.failure_class == FailureClass.PDF_ENCRYPTED,
            move=move,
        )
        if settled is None:
            raise NotFound("document not found")
        return settled


def _not_retryable(document: Document) -> Conflict:
    reason = (
        f"it failed with {document.failure_class}, which running it again cannot cure"
        if document.state == DocumentState.FAILED
        else f"it is {document.state}"
    )
    return Conflict(
        f"this document cannot be retried: {reason}",
        detail={"state": str(document.state), "failure_class": str(document.failure_class or "")},
    )
