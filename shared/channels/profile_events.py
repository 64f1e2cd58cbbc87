"""profile-events: a user has a new career profile version (or new profile inputs)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.channels import Message


class ProfileVersionCreated(Message):
    """profile-events: user ``uid`` has a new career profile ``version``, or (``reason``
    ``inputs_changed``) new profile inputs for the version they are matched with.

    Published by generate_profile and refinement (ProfileVersions), and by matching when profile
    inputs change (MatchingService.inputs_changed). Read by match_offers (re-ranks that user)
    and refresh_scores (marks the user's notebook scores stale).
    """

    kind: Literal["profile_version_created"] = "profile_version_created"
    uid: str = Field(min_length=1, max_length=128)
    version: int = Field(ge=1)
    reason: Literal["new_version", "inputs_changed"] = "new_version"
