"""The notebook: offers a user keeps, with an application status, notes, tags and scores.

Status machine: saved -> applied -> interviewing -> offer -> accepted; rejected and withdrawn
from any open state. accepted, rejected and withdrawn are final. Every transition is kept in
the entry's history with its time. Notes are markdown (at most 10,000 characters); tags are
trimmed and case-folded, at most 20 per entry and 40 characters each.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import ConfigDict, Field, field_validator, model_validator

from shared.domain.errors import Conflict, InvalidInput
from shared.domain.failures import FailureClass, NextAction, next_action
from shared.domain.model import DomainModel
from shared.domain.places import Location
from shared.domain.salary import Salary

SCHEMA_VERSION = 1
MAX_NOTES = 10_000
MAX_TAGS = 20
MAX_TAG_CHARS = 40
MAX_DESCRIPTION = 60_000  # a snapshot keeps the posting text for scoring after it closes


class Status(StrEnum):
    """Where an application stands."""

    SAVED = "saved"
    APPLIED = "applied"
    INTERVIEWING = "interviewing"
    OFFER = "offer"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


_FORWARD = {
    Status.SAVED: Status.APPLIED,
    Status.APPLIED: Status.INTERVIEWING,
    Status.INTERVIEWING: Status.OFFER,
    Status.OFFER: Status.ACCEPTED,
}
OPEN = frozenset(_FORWARD)
FINAL = frozenset({Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN})


def allowed_transitions(current: Status) -> list[Status]:
    """The statuses ``current`` may move to (none from a final state)."""
    if current in FINAL:
        return []
    return [_FORWARD[current], Status.REJECTED, Status.WITHDRAWN]


def check_transition(current: Status, to: Status) -> None:
    """Conflict (409) naming the allowed statuses when ``current -> to`` is not a legal move."""
    allowed = allowed_transitions(current)
    if to not in allowed:
        raise Conflict(
            f"cannot move from {current} to {to}",
            detail={"from": str(current), "to": str(to), "allowed": [str(s) for s in allowed]},
        )


def normalise_tags(tags: list[str]) -> list[str]:
    """Trimmed, inner spaces collapsed, case-folded, deduplicated (first seen wins), checked."""
    out: list[str] = []
    for raw in tags:
        tag = " ".join(raw.split()).casefold()
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise InvalidInput(f"a tag has at most {MAX_TAG_CHARS} characters", detail={"tag": tag[:60]})
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise InvalidInput(f"an entry has at most {MAX_TAGS} tags", detail={"tags": len(out)})
    return out


def check_notes(notes: str) -> str:
    """Notes as given; InvalidInput past the length limit."""
    if len(notes) > MAX_NOTES:
        raise InvalidInput(f"notes have at most {MAX_NOTES} characters", detail={"length": len(notes)})
    return notes


def normalise_url(url: str) -> str:
    """The identity of a posting URL: scheme and host lower-cased, fragment and trailing slash dropped."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput("url must be an absolute http(s) URL", detail={"url": url[:200]})
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def entry_id_for_offer(offer_id: str) -> str:
    """Entry id of a saved offer: one entry per offer and user."""
    return "o-" + hashlib.sha256(offer_id.encode()).hexdigest()[:24]


def entry_id_for_url(url: str) -> str:
    """Entry id of a posting the user brought: one entry per normalised URL and user."""
    return "u-" + hashlib.sha256(normalise_url(url).encode()).hexdigest()[:24]


def text_hash(*parts: str) -> str:
    """Content hash of a pasted posting (no source offer to take one from)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class Snapshot(DomainModel):
    """What the entry keeps of the posting, so it survives the posting closing."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    title: str
    company: str
    locations: list[Location] = Field(default_factory=list)
    salary: Salary | None = None
    url: str
    content_hash: str
    remote_policy: str = "unknown"
    description_text: str = Field("", max_length=MAX_DESCRIPTION)
    language: str | None = None


class Transition(DomainModel):
    """One status change."""

    model_config = ConfigDict(frozen=True)

    from_status: Status | None
    to_status: Status
    at: datetime


class ScoreSummary(DomainModel):
    """The newest score of an entry, as lists show it."""

    model_config = ConfigDict(frozen=True)

    total: float
    provider: str
    model: str
    inputs_hash: str
    profile_version: int
    offer_content_hash: str
    computed_at: datetime
    capped: bool = False


class ScoringState(DomainModel):
    """Where the entry's last score request stands.

    A failed request says what the user can do next (docs/decisions/0121): ``retry`` and
    ``wait`` mean POST /notebook/{id}:score again (now, or once the budget refills).
    """

    model_config = ConfigDict(frozen=True)

    state: Literal["queued", "done", "failed"]
    at: datetime
    task: str | None = None
    failure_class: str | None = None
    message: str | None = None
    next_action: NextAction | None = Field(
        None, description="set when failed: what the user can do (retry and wait: POST /notebook/{id}:score)"
    )

    @model_validator(mode="before")
    @classmethod
    def _failure_has_a_next_action(cls, data: Any) -> Any:
        """A failed state always carries its next action (also one stored before it existed)."""
        if isinstance(data, dict) and data.get("state") == "failed" and data.get("next_action") is None:
            return {**data, "next_action": _action_for(data.get("failure_class"))}
        return data


def _action_for(failure_class: Any) -> NextAction:
    try:
        return next_action(FailureClass(str(failure_class)))
    except ValueError:  # no class, or one this version does not know: operators must look
        return NextAction.CONTACT_SUPPORT


EntrySource = Literal["offer", "pasted", "url"]


class NotebookEntry(DomainModel):
    """One kept offer of one user."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    uid: str
    source: EntrySource
    offer_id: str | None = None
    snapshot: Snapshot
    status: Status = Status.SAVED
    notes: str = ""
    tags: list[str] = Field(default_factory=list)
    follow_up: date | None = None
    history: list[Transition] = Field(default_factory=list)
    score: ScoreSummary | None = None
    stale: bool = False
    score_state: ScoringState | None = None  # the last score request
    created_at: datetime
    updated_at: datetime
    schema_version: int = SCHEMA_VERSION

    def transition(self, to: Status, at: datetime) -> NotebookEntry:
        """The entry after a legal move (Conflict listing the allowed ones otherwise)."""
        check_transition(self.status, to)
        step = Transition(from_status=self.status, to_status=to, at=at)
        return self.model_copy(update={"status": to, "history": [*self.history, step], "updated_at": at})


class EntryPatch(DomainModel):
    """PATCH /notebook/{id}: notes, tags and follow-up date (status changes use :transition)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notes: str | None = Field(None, max_length=MAX_NOTES, description="markdown")
    tags: list[str] | None = Field(None, description=f"at most {MAX_TAGS}, {MAX_TAG_CHARS} characters each")
    follow_up: date | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else normalise_tags(value)

    def apply(self, entry: NotebookEntry, at: datetime) -> NotebookEntry:
        """The entry with the given fields replaced (explicit nulls clear the follow-up date)."""
        update: dict[str, object] = {"updated_at": at}
        if self.notes is not None:
            update["notes"] = check_notes(self.notes)
        if self.tags is not None:
            update["tags"] = self.tags
        if "follow_up" in self.model_fields_set:
            update["follow_up"] = self.follow_up
        return entry.model_copy(update=update)
