"""The closed failure taxonomy stored on documents, runs and dead letters and logged as a label."""

from __future__ import annotations

from enum import StrEnum


class FailureClass(StrEnum):
    """Every failure the system records belongs to exactly one of these classes."""

    # request / input
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    # accounts
    CODE_INVALID = "CODE_INVALID"  # a one-time code is wrong, used, expired or for another purpose
    RATE_LIMITED = "RATE_LIMITED"  # too many requests from a client or for an e-mail (429)
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"  # a write by an account whose e-mail is unverified
    WEAK_PASSWORD = "WEAK_PASSWORD"  # noqa: S105 - a failure class, not a password
    # uploads and documents
    UPLOAD_REJECTED = "UPLOAD_REJECTED"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    PDF_ENCRYPTED = "PDF_ENCRYPTED"
    PDF_NO_TEXT = "PDF_NO_TEXT"
    PDF_CORRUPT = "PDF_CORRUPT"
    TOO_MANY_PAGES = "TOO_MANY_PAGES"
    # job sources
    SOURCE_NOT_FOUND = "SOURCE_NOT_FOUND"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"
    SOURCE_RATE_LIMITED = "SOURCE_RATE_LIMITED"
    SOURCE_PARSE_ERROR = "SOURCE_PARSE_ERROR"
    # LLM
    LLM_RATE_LIMITED = "LLM_RATE_LIMITED"
    LLM_UNAVAILABLE = "LLM_UNAVAILABLE"
    LLM_INVALID_OUTPUT = "LLM_INVALID_OUTPUT"
    LLM_BLOCKED = "LLM_BLOCKED"
    LLM_BUDGET_EXCEEDED = "LLM_BUDGET_EXCEEDED"
    # platform
    INDEX_MISSING = "INDEX_MISSING"
    CONTENTION = "CONTENTION"
    TIMEOUT = "TIMEOUT"
    INTERNAL = "INTERNAL"

    @property
    def transient(self) -> bool:
        """True when retrying the same work later may succeed."""
        return self in _TRANSIENT


_TRANSIENT = frozenset(
    {
        FailureClass.SOURCE_UNAVAILABLE,
        FailureClass.SOURCE_RATE_LIMITED,
        FailureClass.LLM_RATE_LIMITED,
        FailureClass.LLM_UNAVAILABLE,
        FailureClass.CONTENTION,
        FailureClass.TIMEOUT,
    }
)
