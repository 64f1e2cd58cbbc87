"""Accounts: the user record and the inputs a job seeker states about the search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from shared.domain.model import DomainModel

SCHEMA_VERSION = 1
MAX_TARGET_ROLES = 10
MAX_LOCATIONS = 20
MAX_NOTES_CHARS = 5_000
MAX_LABEL_CHARS = 120


class RemotePreference(StrEnum):
    """Where the job seeker is willing to work: the words of an offer's ``remote_policy``
    (remote, hybrid, onsite), plus ``any``. The old ``remote_only`` is read as ``remote``."""

    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"
    ANY = "any"

    @classmethod
    def _missing_(cls, value: object) -> RemotePreference | None:
        # Inputs and profiles stored before the vocabulary was unified, and old clients.
        return cls.REMOTE if value == "remote_only" else None


class PayPeriod(StrEnum):
    """The period a salary amount refers to."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"


Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LABEL_CHARS)]


def _dedupe(items: list[str]) -> list[str]:
    """Keep the first spelling of each case-insensitively equal item, in order."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


class SalaryFloor(DomainModel):
    """The lowest pay the job seeker would consider."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: float = Field(gt=0, le=1_000_000_000, allow_inf_nan=False)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        description="ISO 4217 code, upper case (EUR, USD, GBP)"
    )
    period: PayPeriod = PayPeriod.YEAR


class ProfileInputs(DomainModel):
    """What the job seeker tells us directly (PUT /me/profile-inputs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_roles: Annotated[
        list[Label], Field(min_length=1, max_length=MAX_TARGET_ROLES), AfterValidator(_dedupe)
    ]
    notes: str = Field("", max_length=MAX_NOTES_CHARS)
    preferred_locations: Annotated[list[Label], Field(max_length=MAX_LOCATIONS), AfterValidator(_dedupe)] = (
        Field(default_factory=list)
    )
    remote_preference: RemotePreference = RemotePreference.ANY
    salary_floor: SalaryFloor | None = None


class StoredProfileInputs(ProfileInputs):
    """Profile inputs as stored under ``users/{uid}/inputs/current``."""

    updated_at: datetime
    schema_version: int = SCHEMA_VERSION


def mask_email(email: str | None) -> str | None:
    """``jane.doe@example.com`` -> ``j***@example.com`` (for anything a human may read)."""
    if not email:
        return email
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class User(DomainModel):
    """The account record at ``users/{uid}``; the e-mail never appears in its repr."""

    model_config = ConfigDict(frozen=True)

    uid: str
    email: str | None = Field(None, repr=False)
    display_name: str | None = None
    locale: str | None = None
    # Mirrors the identity provider's flag (set by POST /auth/email:verify, synced on GET /me).
    email_verified: bool = False
    created_at: datetime
    updated_at: datetime
    schema_version: int = SCHEMA_VERSION

    @property
    def masked_email(self) -> str | None:
        """The e-mail in a form safe for logs."""
        return mask_email(self.email)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """Show the masked e-mail instead of hiding it altogether (easier debugging)."""
        yield from super().__repr_args__()
        yield "email", self.masked_email


class UserChanges(DomainModel):
    """Editable account fields (PUT /me). Only the fields present in the body change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None
    ) = None
    locale: (
        Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)] | None
    ) = None
