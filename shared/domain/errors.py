"""One exception root with two branches.

    CareerError
    ├── PermanentError   retrying cannot help: HTTP 4xx, event acknowledged, task 2xx + record
    │   ├── InvalidInput        INVALID_INPUT (422)
    │   ├── NotFound            NOT_FOUND (404; also what another tenant's id answers)
    │   ├── AlreadyExists       CONFLICT (409); raised by DocumentStore.create
    │   ├── Conflict            CONFLICT (409); illegal state transition, idempotency clash
    │   ├── Unauthenticated     UNAUTHENTICATED (401)
    │   ├── Forbidden           FORBIDDEN (403)
    │   ├── QuotaExceeded       QUOTA_EXCEEDED (429 for the caller; never retried by us)
    │   │   └── RateLimited     RATE_LIMITED (429 with Retry-After)
    │   └── IndexRequired       INDEX_MISSING (500); a query needs an undeclared composite index
    └── TransientError   retry later: HTTP 503, event raised (redelivered), task 5xx
        └── Contention          CONTENTION; a transaction lost its optimistic race too often

Any error may carry a more specific FailureClass (for example PDF_ENCRYPTED on a PermanentError).
"""

from __future__ import annotations

from typing import Any, ClassVar

from shared.domain.failures import FailureClass


class CareerError(Exception):
    """Root of every error the product raises on purpose."""

    default_class: ClassVar[FailureClass] = FailureClass.INTERNAL
    http_status: ClassVar[int] = 500

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

    http_status = 422


class TransientError(CareerError):
    """The same work may succeed later (quota, upstream 5xx, contention)."""

    http_status = 503


class InvalidInput(PermanentError):
    """The request or event does not satisfy its schema or a business rule."""

    default_class = FailureClass.INVALID_INPUT
    http_status = 422


class NotFound(PermanentError):
    """The resource does not exist, or belongs to someone else."""

    default_class = FailureClass.NOT_FOUND
    http_status = 404


class Conflict(PermanentError):
    """The request conflicts with the current state."""

    default_class = FailureClass.CONFLICT
    http_status = 409


class AlreadyExists(Conflict):
    """A create() found the document already present."""


class Unauthenticated(PermanentError):
    """No valid credential was presented."""

    default_class = FailureClass.UNAUTHENTICATED
    http_status = 401


class Forbidden(PermanentError):
    """The caller is known but lacks the role."""

    default_class = FailureClass.FORBIDDEN
    http_status = 403


class QuotaExceeded(PermanentError):
    """A per-user quota is used up."""

    default_class = FailureClass.QUOTA_EXCEEDED
    http_status = 429


class RateLimited(QuotaExceeded):
    """Too many requests; ``retry_after_s`` becomes the Retry-After header."""

    default_class = FailureClass.RATE_LIMITED

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message, detail={"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


class IndexRequired(PermanentError):
    """A query needs a composite index that the topology manifest does not declare."""

    default_class = FailureClass.INDEX_MISSING
    http_status = 500


class Contention(TransientError):
    """A transaction kept losing its optimistic-concurrency race."""

    default_class = FailureClass.CONTENTION
