"""Routes of the documents slice: signed-URL upload, confirmation, listing, text, deletion.

Handlers work on ``call.uid`` only; another user's document id answers 404.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.config import Settings
from shared.domain.documents import PDF_CONTENT_TYPE, Document, DocumentState
from shared.domain.failures import FailureClass, NextAction
from shared.edge.http import Call, Reply, Route
from shared.repositories.pagination import CURSOR_PATTERN
from shared.services.documents import DocumentService
from shared.services.upload_confirmation import UploadConfirmation

DEFAULT_MAX_UPLOAD_BYTES: int = Settings.model_fields["max_upload_bytes"].default


class CreateDocumentIn(BaseModel):
    """What the client announces before uploading a PDF."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    filename: str = Field(min_length=1, max_length=255)
    size: int = Field(
        gt=0,
        description="Exact size of the file in bytes (larger than the configured maximum: 413)",
        json_schema_extra={"maximum": DEFAULT_MAX_UPLOAD_BYTES},
    )
    # The schema names the one accepted type; anything else is answered 415 by the handler.
    content_type: str = Field(
        min_length=1,
        max_length=100,
        description="Must be application/pdf (anything else: 415)",
        json_schema_extra={"enum": [PDF_CONTENT_TYPE]},
    )


class DocumentOut(BaseModel):
    """A document as its owner sees it."""

    model_config = ConfigDict(frozen=True)

    id: str
    filename: str
    state: DocumentState
    content_type: str
    declared_size: int
    size: int | None
    sha256: str | None
    pages: int | None
    chars: int | None
    language: str | None
    truncated: bool
    linked_to: str | None
    failure_class: FailureClass | None
    failure_message: str | None
    next_action: NextAction | None = Field(
        description="What the owner can do about a FAILED or REJECTED document: retry "
        "(POST :retry), unlock (POST :unlock with the PDF's password), upload_another, wait, "
        "contact_support; null otherwise"
    )
    upload_expires_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, document: Document) -> DocumentOut:
        """The public view of a stored document."""
        return cls.model_validate({**document.model_dump(), "next_action": document.next_action})


class SignedUploadOut(BaseModel):
    """Where and how to PUT the PDF."""

    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


class CreatedDocumentOut(BaseModel):
    """A new document and the signed URL its PDF goes to."""

    document: DocumentOut
    upload: SignedUploadOut


class ListQuery(BaseModel):
    """Pagination of GET /documents."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500, pattern=CURSOR_PATTERN)


class DocumentListOut(BaseModel):
    """One page of the caller's documents, newest first."""

    documents: list[DocumentOut]
    next_cursor: str | None


class UnlockIn(BaseModel):
    """The password of a PDF that failed as PDF_ENCRYPTED: used once, never stored or logged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    password: str = Field(
        min_length=1,
        max_length=1024,
        description="The PDF's password; used once in this request, never stored or logged",
        json_schema_extra={"format": "password", "writeOnly": True},
    )


class DocumentTextOut(BaseModel):
    """The extracted text of a document."""

    document_id: str
    language: str | None
    chars: int | None
    text: str


def create_document(call: Call) -> Reply:
    """Create a PENDING_UPLOAD document and a signed PUT URL for its PDF."""
    body = call.body_as(CreateDocumentIn)
    created = call.container.make(DocumentService).create_upload(
        call.uid, filename=body.filename, size=body.size, content_type=body.content_type
    )
    up = created.upload
    out = CreatedDocumentOut(
        document=DocumentOut.of(created.document),
        upload=SignedUploadOut(
            url=up.url, method=up.method, headers=dict(up.headers), expires_at=up.expires_at
        ),
    )
    return Reply(201, out, {"Location": f"/documents/{created.document.id}"})


def list_documents(call: Call) -> DocumentListOut:
    """The caller's documents, newest first, with a cursor to the next page."""
    query = call.query_as(ListQuery)
    page = call.container.make(DocumentService).list(call.uid, limit=query.limit, cursor=query.cursor)
    return DocumentListOut(
        documents=[DocumentOut.of(d) for d in page.documents], next_cursor=page.next_cursor
    )


def get_document(call: Call) -> DocumentOut:
    """One of the caller's documents."""
    return DocumentOut.of(call.container.make(DocumentService).get(call.uid, call.params["doc_id"]))


def get_document_text(call: Call) -> DocumentTextOut:
    """The extracted text (409 until the document is EXTRACTED)."""
    document, text = call.container.make(DocumentService).text(call.uid, call.params["doc_id"])
    return DocumentTextOut(
        document_id=document.id, language=document.language, chars=document.chars, text=text
    )


def delete_document(call: Call) -> Reply:
    """Delete the record, the PDF and the text."""
    call.container.make(DocumentService).delete(call.uid, call.params["doc_id"])
    return Reply(204)


def confirm_document(call: Call) -> DocumentOut:
    """Confirm the upload now (the finalize event does the same; both are idempotent)."""
    return DocumentOut.of(
        call.container.make(UploadConfirmation).confirm_for_user(call.uid, call.params["doc_id"])
    )


def retry_document(call: Call) -> Reply:
    """Run a retryable failure again (202); the document as it stands when already queued."""
    from shared.services.document_recovery import DocumentRecovery

    document = call.container.make(DocumentRecovery).retry(call.uid, call.params["doc_id"])
    return Reply(202, DocumentOut.of(document))


def unlock_document(call: Call) -> DocumentOut:
    """Open a password-protected PDF with its password and continue from EXTRACTED."""
    # Imported here: only this route may read a PDF in the request (the API's cold start).
    from shared.services.document_recovery import DocumentRecovery

    body = call.body_as(UnlockIn)
    return DocumentOut.of(
        call.container.make(DocumentRecovery).unlock(call.uid, call.params["doc_id"], body.password)
    )


_TAGS = ("documents",)
_ONE = "/documents/{doc_id}"

ROUTES: list[Route] = [
    Route(
        "POST",
        "/documents",
        create_document,
        body=CreateDocumentIn,
        response=CreatedDocumentOut,
        status=201,
        errors=(429,),
        summary="Start a PDF upload: a document and a signed PUT URL",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/documents",
        list_documents,
        query=ListQuery,
        response=DocumentListOut,
        summary="The caller's documents",
        tags=_TAGS,
    ),
    Route("GET", _ONE, get_document, response=DocumentOut, summary="One document", tags=_TAGS),
    Route(
        "GET",
        f"{_ONE}/text",
        get_document_text,
        response=DocumentTextOut,
        summary="The extracted text of a document",
        tags=_TAGS,
    ),
    Route(
        "DELETE", _ONE, delete_document, status=204, summary="Delete a document, its PDF and text", tags=_TAGS
    ),
    Route(
        "POST",
        f"{_ONE}/confirm",
        confirm_document,
        response=DocumentOut,
        summary="Confirm an upload (idempotent)",
        tags=_TAGS,
    ),
    Route(
        "POST",
        f"{_ONE}:retry",
        retry_document,
        response=DocumentOut,
        status=202,
        errors=(409,),
        summary="Retry a FAILED document whose next_action is retry (202; 409 in any other state; "
        "idempotent while queued)",
        tags=_TAGS,
    ),
    Route(
        "POST",
        f"{_ONE}:unlock",
        unlock_document,
        body=UnlockIn,
        response=DocumentOut,
        errors=(409,),
        summary="Open a PDF that FAILED as PDF_ENCRYPTED with its password (422 PDF_ENCRYPTED: "
        "wrong password, state unchanged; 409: not an encrypted failure)",
        tags=_TAGS,
    ),
]
