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


class NextAction(StrEnum):
    """What the user can do about a failed object: the closed vocabulary the API and web app share.

    docs/decisions/0121-failure-vocabulary.md maps every failure class to one of these.
    """

    RETRY = "retry"  # run the same work again (POST /documents/{id}:retry, :generate)
    UNLOCK = "unlock"  # give the PDF's password once (POST /documents/{id}:unlock)
    UPLOAD_ANOTHER = "upload_another"  # this file cannot be used: upload a different one
    WAIT = "wait"  # a quota or budget refills by itself; try again later
    CONTACT_SUPPORT = "contact_support"  # nothing the user can do: operators must look


_UPLOAD_ANOTHER = frozenset(
    {
        FailureClass.UPLOAD_REJECTED,
        FailureClass.FILE_TOO_LARGE,
        FailureClass.PDF_NO_TEXT,
        FailureClass.PDF_CORRUPT,
        FailureClass.TOO_MANY_PAGES,
        FailureClass.UNSUPPORTED_MEDIA_TYPE,
        FailureClass.PAYLOAD_TOO_LARGE,
        FailureClass.LLM_BLOCKED,
    }
)
_WAIT = frozenset({FailureClass.QUOTA_EXCEEDED, FailureClass.RATE_LIMITED, FailureClass.LLM_BUDGET_EXCEEDED})
_RETRY = _TRANSIENT | {FailureClass.INTERNAL, FailureClass.LLM_INVALID_OUTPUT}


def next_action(failure_class: FailureClass) -> NextAction:
    """The one thing a user can do about a failure of this class."""
    if failure_class == FailureClass.PDF_ENCRYPTED:
        return NextAction.UNLOCK
    if failure_class in _UPLOAD_ANOTHER:
        return NextAction.UPLOAD_ANOTHER
    if failure_class in _WAIT:
        return NextAction.WAIT
    if failure_class in _RETRY:
        return NextAction.RETRY
    return NextAction.CONTACT_SUPPORT
