"""Documents: create an upload, list, read, read the text, delete. Confirmation and extraction
live in upload_confirmation.py and extraction_task.py; all three store through the Documents
repository.

Every operation takes the caller's uid and reads only that user's documents, so another
user's document id answers NotFound (404), never Forbidden.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from shared.domain.documents import (
    PDF_CONTENT_TYPE,
    Document,
    DocumentState,
    object_name,
)
from shared.domain.errors import Conflict, InvalidInput, NotFound, QuotaExceeded
from shared.domain.failures import FailureClass
from shared.repositories.documents import Documents

if TYPE_CHECKING:
    from shared.config import Settings
    from shared.ports import BlobStore, Clock, SignedUpload

# A pending upload whose URL expired this long ago can no longer finish (an upload that
# started before expiry may still be finalizing): it stops counting against the quota.
ABANDONED_AFTER = timedelta(hours=1)
_COUNTED = [s for s in DocumentState if s is not DocumentState.REJECTED]


@dataclass(frozen=True)
class NewUpload:
    """A created document and the signed URL its PDF goes to."""

    document: Document
    upload: SignedUpload


@dataclass(frozen=True)
class DocumentPage:
    """One page of a user's documents, newest first."""

    documents: list[Document]
    next_cursor: str | None


class DocumentService:
    """The caller's documents."""

    def __init__(
        self,
        documents: Documents,
        uploads: BlobStore,
        texts: BlobStore,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self._documents = documents
        self._uploads = uploads
        self._texts = texts
        self._clock = clock
        self._settings = settings

    def create_upload(self, uid: str, *, filename: str, size: int, content_type: str) -> NewUpload:
        """A PENDING_UPLOAD document and a signed PUT URL for its PDF."""
        if content_type.split(";")[0].strip().lower() != PDF_CONTENT_TYPE:
            raise InvalidInput(
                "only PDF files are accepted", failure_class=FailureClass.UNSUPPORTED_MEDIA_TYPE
            )
        limit = self._settings.max_upload_bytes
        if not 0 < size <= limit:
            raise InvalidInput(
                f"the file must be between 1 byte and {limit} bytes",
                failure_class=FailureClass.FILE_TOO_LARGE if size > limit else FailureClass.INVALID_INPUT,
                detail={"max_bytes": limit},
            )
        self._check_quota(uid)
        now = self._clock.now()
        ttl = timedelta(seconds=min(self._settings.upload_url_ttl_s, 900))
        doc_id = uuid.uuid4().hex
        # The URL pins the exact declared size: confirmation checks it again anyway.
        upload = self._uploads.signed_upload_url(
            object_name(uid, doc_id),
            content_type=PDF_CONTENT_TYPE,
            max_bytes=size,
            min_bytes=size,
            expires_in=ttl,
        )
        document = Document(
            id=doc_id,
            uid=uid,
            filename=clean_filename(filename),
            declared_size=size,
            created_at=now,
            updated_at=now,
            upload_expires_at=upload.expires_at,
        )
        self._documents.create(document)
        return NewUpload(document, upload)

    def get(self, uid: str, doc_id: str) -> Document:
        """One of the caller's documents."""
        return self._documents.load(uid, doc_id)

    def list(self, uid: str, *, limit: int = 20, cursor: str | None = None) -> DocumentPage:
        """The caller's documents, newest first: one query per page."""
        found = self._documents.page(uid, limit=limit, cursor=cursor)
        return DocumentPage(list(found.items), found.next_cursor)

    def text(self, uid: str, doc_id: str) -> tuple[Document, str]:
        """The document and its extracted text; Conflict until it is EXTRACTED."""
        document = self._documents.load(uid, doc_id)
        if document.state != DocumentState.EXTRACTED:
            raise Conflict(
                f"the text is not available: the document is {document.state}",
                detail={"state": str(document.state)},
            )
        try:
            data = self._texts.read(document.text_object)
        except NotFound:
            raise Conflict("the text is not available yet") from None
        return document, data.decode("utf-8")

    def delete(self, uid: str, doc_id: str) -> None:
        """Remove the record, the PDF and the text (blobs first, so a failure can be retried)."""
        document = self._documents.load(uid, doc_id)
        self._uploads.delete(document.object_name)
        self._texts.delete(document.text_object)
        self._documents.delete(document)

    def _check_quota(self, uid: str) -> None:
        quota = self._settings.document_quota
        counted = self._documents.in_states(uid, _COUNTED, limit=quota)
        if len(counted) < quota:
            return
        cutoff = self._clock.now() - ABANDONED_AFTER
        abandoned = [
            d
            for d in counted
            if d.state == DocumentState.PENDING_UPLOAD
            and d.upload_expires_at is not None
            and d.upload_expires_at < cutoff
        ]
        if len(counted) - len(abandoned) >= quota:
            raise QuotaExceeded(
                f"you can keep at most {quota} documents; delete one first", detail={"quota": quota}
            )
        self._documents.delete_all(abandoned)


def clean_filename(name: str) -> str:
    """The last path segment, without control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned[:200] or "document.pdf"
