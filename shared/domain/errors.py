"""One exception root with two branches.

    CareerError
    ├── PermanentError   retrying cannot help: HTTP 4xx, event acknowledged, task 2xx + record
    │   ├── InvalidInput        INVALID_INPUT
    │   ├── NotFound            NOT_FOUND (also what another tenant's id answers)
    │   ├── Conflict            CONFLICT; illegal state transition, idempotency clash
    │   │   ├── AlreadyExists   CONFLICT; raised by DocumentStore.create
    │   │   └── PreconditionFailed  CONFLICT; a conditional write found its condition gone
    │   ├── Unauthenticated     UNAUTHENTICATED
    │   ├── Forbidden           FORBIDDEN
    │   ├── QuotaExceeded       QUOTA_EXCEEDED (never retried by us)
    │   │   └── RateLimited     RATE_LIMITED (with a retry-after delay)
    │   ├── IndexRequired       INDEX_MISSING; a query needs an undeclared composite index
    │   └── (edge errors: malformed body, body too large, wrong media type, no route)
    └── TransientError   retry later: event raised (redelivered), task 5xx
        └── Contention          CONTENTION; a transaction lost its optimistic race too often

Any error may carry a more specific FailureClass (for example PDF_ENCRYPTED on a PermanentError).
HTTP statuses are not a domain concern: shared/edge/problem.py maps every error to one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from shared.domain.failures import FailureClass


class CareerError(Exception):
    """Root of every error the product raises on purpose."""

    default_class: ClassVar[FailureClass] = FailureClass.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        failure_class: FailureClass | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.failure_class = failure_class or self.default_class
        self.detail: dict[str, Any] = dict(detail or {})

    @property
    def transient(self) -> bool:
        """True for the TransientError branch."""
        return isinstance(self, TransientError)


class PermanentError(CareerError):
    """Retrying the same work cannot succeed."""


class TransientError(CareerError):
    """The same work may succeed later (quota, upstream 5xx, contention)."""


class InvalidInput(PermanentError):
    """The request or event does not satisfy its schema or a business rule."""

    default_class = FailureClass.INVALID_INPUT


class SealExpired(InvalidInput):
    """A sealed envelope that is authentic but older than its reader accepts (its secret is
    spent: a one-time code past its lifetime)."""


class NotFound(PermanentError):
    """The resource does not exist, or belongs to someone else."""

    default_class = FailureClass.NOT_FOUND


class Conflict(PermanentError):
    """The request conflicts with the current state."""

    default_class = FailureClass.CONFLICT


class AlreadyExists(Conflict):
    """A create() found the document already present."""


class PreconditionFailed(Conflict):
    """A conditional write found the state it was conditioned on gone (a used upload URL)."""


class Unauthenticated(PermanentError):
    """No valid credential was presented."""

    default_class = FailureClass.UNAUTHENTICATED


class Forbidden(PermanentError):
    """The caller is known but lacks the role."""

    default_class = FailureClass.FORBIDDEN


class QuotaExceeded(PermanentError):
    """A per-user quota is used up."""

    default_class = FailureClass.QUOTA_EXCEEDED


class RateLimited(QuotaExceeded):
    """Too many requests; ``retry_after_s`` becomes the Retry-After header."""

    default_class = FailureClass.RATE_LIMITED

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message, detail={"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


class IndexRequired(PermanentError):
    """A query needs a composite index that the topology manifest does not declare."""

    default_class = FailureClass.INDEX_MISSING


class Contention(TransientError):
    """A transaction kept losing its optimistic-concurrency race."""

    default_class = FailureClass.CONTENTION
