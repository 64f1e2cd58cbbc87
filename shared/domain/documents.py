"""A user's CV document and its state machine.

    PENDING_UPLOAD ──confirm──> UPLOADED ──task──> EXTRACTING ──> EXTRACTED
          │                                            │    └───> FAILED(class)
          ├──confirm refuses──> REJECTED(class)         └─(task retried)─> EXTRACTING
          ├──same bytes as an extracted CV──> EXTRACTED (linked, never re-extracted)
          └─(PENDING_UPLOAD, UPLOADED or EXTRACTING whose work was dead-lettered)─> FAILED(class)

    FAILED(retryable class) ──replayed task──> EXTRACTING
    FAILED(retryable class) ──POST :retry──> UPLOADED (task queued) | PENDING_UPLOAD (never confirmed)
    FAILED(PDF_ENCRYPTED) ──POST :unlock with the password──> EXTRACTED

A class is retryable when its next action is ``retry`` (shared/domain/failures.py).

Every other move raises Conflict. Records are stored by shared/repositories/documents.py; the
PDF at ``users/{uid}/documents/{id}.pdf`` in the uploads bucket and the text at
``users/{uid}/documents/{id}.txt`` in the text bucket.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict

from shared.domain.errors import Conflict
from shared.domain.failures import FailureClass, NextAction, next_action
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1
PDF_CONTENT_TYPE = "application/pdf"
_OBJECT_NAME = re.compile(r"^users/(?P<uid>[^/]+)/documents/(?P<doc_id>[^/.]+)\.pdf$")


class DocumentState(StrEnum):
    """Where a document is in its life."""

    PENDING_UPLOAD = "PENDING_UPLOAD"
    UPLOADED = "UPLOADED"
    EXTRACTING = "EXTRACTING"
    EXTRACTED = "EXTRACTED"
    FAILED = "FAILED"
    REJECTED = "REJECTED"


_ALLOWED: dict[DocumentState, frozenset[DocumentState]] = {
    DocumentState.PENDING_UPLOAD: frozenset(
        {DocumentState.UPLOADED, DocumentState.REJECTED, DocumentState.EXTRACTED, DocumentState.FAILED}
    ),
    DocumentState.UPLOADED: frozenset({DocumentState.EXTRACTING, DocumentState.FAILED}),
    # A task that crashed mid-extraction is redelivered and starts over.
    DocumentState.EXTRACTING: frozenset(
        {DocumentState.EXTRACTING, DocumentState.EXTRACTED, DocumentState.FAILED}
    ),
    DocumentState.EXTRACTED: frozenset(),
    # Only a document that failed with a retryable class restarts (an operator's replay of
    # its dead-lettered task, or the user's retry); an encrypted PDF is unlocked straight to
    # EXTRACTED. Any other classed PDF failure is final: upload another file.
    # An unlocked PDF that turns out to have no text is FAILED again, with that class.
    DocumentState.FAILED: frozenset(
        {
            DocumentState.EXTRACTING,
            DocumentState.UPLOADED,
            DocumentState.PENDING_UPLOAD,
            DocumentState.EXTRACTED,
            DocumentState.FAILED,
        }
    ),
    DocumentState.REJECTED: frozenset(),
}


def object_name(uid: str, doc_id: str) -> str:
    """Name of the uploaded PDF in the uploads bucket."""
    return f"users/{uid}/documents/{doc_id}.pdf"


def text_object_name(uid: str, doc_id: str) -> str:
    """Name of the extracted text in the text bucket."""
    return f"users/{uid}/documents/{doc_id}.txt"


def parse_object_name(name: str) -> tuple[str, str] | None:
    """(uid, document id) of an upload's object name, or None when it is not one."""
    m = _OBJECT_NAME.match(name)
    return None if m is None else (m.group("uid"), m.group("doc_id"))


class Document(DomainModel):
    """One uploaded CV and what became of it."""

    model_config = ConfigDict(frozen=True)

    id: str
    uid: str
    filename: str
    declared_size: int
    state: DocumentState = DocumentState.PENDING_UPLOAD
    created_at: datetime
    updated_at: datetime
    upload_expires_at: datetime
    content_type: str = PDF_CONTENT_TYPE
    size: int | None = None
    sha256: str | None = None
    generation: str | None = None
    pages: int | None = None
    chars: int | None = None
    language: str | None = None
    truncated: bool = False
    text_sha256: str | None = None
    linked_to: str | None = None
    failure_class: FailureClass | None = None
    failure_message: str | None = None
    extraction_attempts: int = 0
    schema_version: int = SCHEMA_VERSION

    @property
    def object_name(self) -> str:
        """Name of the PDF in the uploads bucket."""
        return object_name(self.uid, self.id)

    @property
    def text_object(self) -> str:
        """Name of the text in the text bucket."""
        return text_object_name(self.uid, self.id)

    def to_data(self) -> dict[str, Any]:
        """The stored form (datetimes stay datetimes, enums become strings)."""
        data = self.model_dump()
        return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in data.items()}

    # ------------------------------------------------------------------ transitions
    def uploaded(self, *, size: int, sha256: str, generation: str, at: datetime) -> Document:
        """The upload passed every check."""
        return self._move(DocumentState.UPLOADED, at, size=size, sha256=sha256, generation=generation)

    def rejected(
        self, failure_class: FailureClass, message: str, *, generation: str, size: int, at: datetime
    ) -> Document:
        """The upload failed a check; its object is deleted."""
        return self._move(
            DocumentState.REJECTED,
            at,
            failure_class=failure_class,
            failure_message=message,
            generation=generation,
            size=size,
        )

    def linked(self, twin: Document, *, size: int, generation: str, at: datetime) -> Document:
        """Same bytes as an already extracted document: take its results, skip extraction."""
        if twin.state != DocumentState.EXTRACTED:
            raise Conflict("only an extracted document can be linked to")
        return self._move(
            DocumentState.EXTRACTED,
            at,
            size=size,
            sha256=twin.sha256,
            generation=generation,
            pages=twin.pages,
            chars=twin.chars,
            language=twin.language,
            truncated=twin.truncated,
            text_sha256=twin.text_sha256,
            linked_to=twin.id,
        )

    def extracting(self, *, at: datetime) -> Document:
        """An extraction attempt started."""
        if self.state == DocumentState.FAILED and not self.restartable:
            raise Conflict(f"document {self.id} failed with {self.failure_class}; upload it again")
        return self._move(DocumentState.EXTRACTING, at, extraction_attempts=self.extraction_attempts + 1)

    def extracted(
        self, *, pages: int, chars: int, language: str, truncated: bool, text_sha256: str, at: datetime
    ) -> Document:
        """The text is stored."""
        return self._move(
            DocumentState.EXTRACTED,
            at,
            pages=pages,
            chars=chars,
            language=language,
            truncated=truncated,
            text_sha256=text_sha256,
        )

    @property
    def restartable(self) -> bool:
        """True for a failure that running the same work again may cure (not a classed PDF failure)."""
        return self.next_action == NextAction.RETRY

    @property
    def next_action(self) -> NextAction | None:
        """What the owner can do about this document's failure; None unless FAILED or REJECTED."""
        if self.state not in (DocumentState.FAILED, DocumentState.REJECTED) or self.failure_class is None:
            return None
        return next_action(self.failure_class)

    def failed(self, failure_class: FailureClass, message: str, *, at: datetime) -> Document:
        """Extraction ended in a classed failure (or its work was dead-lettered)."""
        return self._move(DocumentState.FAILED, at, failure_class=failure_class, failure_message=message)

    def retried(self, *, at: datetime) -> Document:
        """The owner asked to run a retryable failure again: back to where its work starts."""
        if not self.restartable:
            raise Conflict(
                f"a document that failed with {self.failure_class} cannot be retried",
                detail={"state": str(self.state), "failure_class": str(self.failure_class)},
            )
        # Confirmed bytes (a sha256) go straight back to extraction; otherwise confirm again.
        to = DocumentState.UPLOADED if self.sha256 else DocumentState.PENDING_UPLOAD
        return self._move(to, at, failure_class=None, failure_message=None)

    def reopened(self, *, at: datetime) -> Document:
        """An operator replays the dead letter that failed it: back to where its work starts."""
        to = DocumentState.UPLOADED if self.sha256 else DocumentState.PENDING_UPLOAD
        return self._move(to, at, failure_class=None, failure_message=None)

    def unlocked(
        self, *, pages: int, chars: int, language: str, truncated: bool, text_sha256: str, at: datetime
    ) -> Document:
        """The owner's password opened an encrypted PDF and its text is stored."""
        if self.state != DocumentState.FAILED or self.failure_class != FailureClass.PDF_ENCRYPTED:
            raise Conflict(
                "only a document that failed as password-protected can be unlocked",
                detail={"state": str(self.state)},
            )
        return self._move(
            DocumentState.EXTRACTED,
            at,
            pages=pages,
            chars=chars,
            language=language,
            truncated=truncated,
            text_sha256=text_sha256,
            failure_class=None,
            failure_message=None,
        )

    def _move(self, to: DocumentState, at: datetime, **changes: Any) -> Document:
        if to not in _ALLOWED[self.state]:
            raise Conflict(
                f"document cannot go from {self.state} to {to}",
                detail={"state": str(self.state), "to": str(to)},
            )
        return self.model_copy(update={"state": to, "updated_at": at, **changes})
