"""Routes of the accounts slice: the caller's account, profile inputs and journey.

Every handler works on ``call.uid`` only, so a user can reach nothing but ``users/{uid}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.domain.accounts import ProfileInputs, StoredProfileInputs, User, UserChanges
from shared.domain.journey import Journey
from shared.edge.http import Call, Reply, Route
from shared.ports import Principal, Role
from shared.services.accounts import AccountsService
from shared.services.data_rights import AccountExport, DataRights
from shared.services.journey import JourneyService


class MeOut(BaseModel):
    """The caller's account."""

    model_config = ConfigDict(frozen=True)

    uid: str
    email: str | None
    display_name: str | None
    locale: str | None
    role: Role
    email_verified: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User, principal: Principal) -> MeOut:
        """The account as its owner sees it."""
        return cls(
            uid=user.uid,
            email=user.email,
            display_name=user.display_name,
            locale=user.locale,
            role=principal.role,
            email_verified=principal.email_verified or user.email_verified,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


def _principal(call: Call) -> Principal:
    # Routes here are auth="user": the edge has already verified the token.
    if call.principal is None:
        raise AssertionError("user route reached without a principal")
    return call.principal


def get_me(call: Call) -> MeOut:
    """The caller's account (created on first call)."""
    principal = _principal(call)
    return MeOut.of(call.container.make(AccountsService).get_me(principal), principal)


def put_me(call: Call) -> MeOut:
    """Update the caller's display name and locale."""
    principal = _principal(call)
    user = call.container.make(AccountsService).update_me(principal, call.body_as(UserChanges))
    return MeOut.of(user, principal)


def get_profile_inputs(call: Call) -> StoredProfileInputs:
    """The caller's profile inputs (404 before the first PUT)."""
    return call.container.make(AccountsService).get_inputs(call.uid)


def put_profile_inputs(call: Call) -> StoredProfileInputs:
    """Replace the caller's profile inputs; the caller's matches are re-ranked with them."""
    stored = call.container.make(AccountsService).put_inputs(call.uid, call.body_as(ProfileInputs))
    from shared.services.matching import MatchingService  # loaded only on this route

    call.container.make(MatchingService).inputs_changed(call.uid)
    return stored


def get_journey(call: Call) -> Journey:
    """Every step of the caller's journey with its state."""
    # The account record carries the verified flag the first step reads: create or sync it.
    call.container.make(AccountsService).get_me(_principal(call))
    return call.container.make(JourneyService).journey(call.uid)


class DeleteMeIn(BaseModel):
    """The confirmation an account deletion needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    confirm: Literal["DELETE"]


class DeletionScheduled(BaseModel):
    """The erasure is queued; the caller's sessions have ended."""

    model_config = ConfigDict(frozen=True)

    status: Literal["scheduled"] = "scheduled"


def export_me(call: Call) -> AccountExport:
    """Everything stored for the caller, with short-lived signed URLs to their PDFs."""
    return call.container.make(DataRights).export(call.uid)


def delete_me(call: Call) -> Reply:
    """Schedule the erasure of the caller's account and data (confirmed with "DELETE")."""
    call.body_as(DeleteMeIn)
    call.container.make(DataRights).request_erasure(call.uid)
    return Reply(202, DeletionScheduled())


_TAGS = ("accounts",)

ROUTES: list[Route] = [
    Route("GET", "/me", get_me, response=MeOut, summary="The caller's account", tags=_TAGS),
    Route(
        "GET",
        "/me/export",
        export_me,
        response=AccountExport,
        summary="Everything stored for the caller (one JSON document, signed URLs to the PDFs)",
        tags=_TAGS,
    ),
    Route(
        "DELETE",
        "/me",
        delete_me,
        body=DeleteMeIn,
        response=DeletionScheduled,
        status=202,
        summary='Erase the caller\'s account and every stored document and file ({"confirm": "DELETE"})',
        tags=_TAGS,
        unverified_ok=True,
    ),
    Route(
        "PUT",
        "/me",
        put_me,
        body=UserChanges,
        response=MeOut,
        summary="Update the caller's account",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/me/profile-inputs",
        get_profile_inputs,
        response=StoredProfileInputs,
        errors=(404,),
        summary="The caller's profile inputs",
        tags=_TAGS,
    ),
    Route(
        "PUT",
        "/me/profile-inputs",
        put_profile_inputs,
        body=ProfileInputs,
        response=StoredProfileInputs,
        summary="Replace the caller's profile inputs",
        tags=_TAGS,
    ),
    Route(
        "GET", "/journey", get_journey, response=Journey, summary="The caller's journey", tags=("journey",)
    ),
]
