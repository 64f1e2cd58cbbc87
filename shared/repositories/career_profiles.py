"""Career profile versions, per user: the one place that knows how they are stored.

- ``users/{uid}/career_profiles/{version}``: immutable versions (CareerProfile), 1, 2, ...
- ``users/{uid}/career_profile_hashes/{inputs_hash}``: which version an inputs hash produced,
  and whether its ProfileVersionCreated message went out (a retry re-sends a lost one);
- ``users/{uid}/career_profile_state/current``: the latest version and the last failure
  (what the journey shows).

A version, its hash claim and the version counter are written in one transaction, so two
concurrent generations with the same inputs make one version, and versions never collide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.domain.errors import NotFound
from shared.ports import DocumentStore, Order, Query, Transaction
from shared.repositories.pagination import Page, page

if TYPE_CHECKING:
    from shared.domain.profiles import CareerProfile

STATE_SCHEMA_VERSION = 1
CLAIM_SCHEMA_VERSION = 1


def _versions(uid: str) -> str:
    return f"users/{uid}/career_profiles"


def _version(uid: str, version: int) -> str:
    return f"{_versions(uid)}/{version}"


def _state(uid: str) -> str:
    return f"users/{uid}/career_profile_state/current"


def _claim(uid: str, inputs_hash: str) -> str:
    return f"users/{uid}/career_profile_hashes/{inputs_hash}"


def _profile(data: dict[str, Any]) -> CareerProfile:
    # The profile model loads with the first version read: a request that finds no profile,
    # or none to read, never builds it (docs/decisions/0090-cold-start-budget.md).
    from shared.domain.profiles import CareerProfile

    return CareerProfile.model_validate(data)


@dataclass(frozen=True)
class HashClaim:
    """The version an inputs hash made, and whether its message was published."""

    version: int
    published: bool


@dataclass(frozen=True)
class ProfileFailure:
    """Why the last generation failed."""

    failure_class: str
    message: str
    document_id: str
    at: datetime


@dataclass(frozen=True)
class ProfileState:
    """A user's latest version (0 before the first), who made it, and the last failure, if any."""

    latest_version: int
    provider: str | None
    last_failure: ProfileFailure | None


class CareerProfiles:
    """Reads and writes one user's career profile versions."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def get(self, uid: str, version: int) -> CareerProfile:
        """One version; NotFound otherwise (also for another user's)."""
        snap = self._store.get(_version(uid, version))
        if snap is None:
            raise NotFound(f"career profile version {version} not found")
        return _profile(snap.data)

    def latest(self, uid: str) -> CareerProfile:
        """The newest version; NotFound before the first."""
        query = Query(_versions(uid), order_by=(Order("version", descending=True),), limit=1)
        found = self._store.query(query)
        if not found:
            raise NotFound("no career profile yet")
        return _profile(found[0].data)

    def get_or_latest(self, uid: str, version: int | None) -> CareerProfile:
        """Version ``version``, or the newest when None; NotFound when there is none."""
        return self.latest(uid) if version is None else self.get(uid, version)

    def history(self, uid: str, *, limit: int, cursor: str | None) -> Page[CareerProfile]:
        """Versions newest first, one query per page."""
        query = Query(_versions(uid), order_by=(Order("version", descending=True),))
        found = page(self._store, query, limit=limit, cursor=cursor)
        return found.map(lambda s: _profile(s.data))

    def claim(self, uid: str, inputs_hash: str) -> HashClaim | None:
        """The claim of an inputs hash, None when no version was made from it."""
        snap = self._store.get(_claim(uid, inputs_hash))
        if snap is None:
            return None
        return HashClaim(int(snap.data["version"]), bool(snap.data.get("published")))

    def mark_published(self, uid: str, inputs_hash: str) -> None:
        """The claim's version was announced."""
        self._store.update(_claim(uid, inputs_hash), {"published": True})

    def add(
        self, uid: str, inputs_hash: str, build: Callable[[int], CareerProfile], now: datetime
    ) -> tuple[CareerProfile | None, int]:
        """Store ``build(next version)`` unless the hash is claimed: (the new profile or None, version)."""

        def apply(tx: Transaction) -> tuple[CareerProfile | None, int]:
            claim = tx.get(_claim(uid, inputs_hash))
            state = tx.get(_state(uid))
            if claim is not None:
                return None, int(claim.data["version"])  # a concurrent call made it first
            version = int(state.data.get("latest_version") or 0) + 1 if state else 1
            profile = build(version)
            tx.create(_version(uid, version), profile.model_dump())
            tx.create(
                _claim(uid, inputs_hash),
                {
                    "version": version,
                    "published": False,
                    "created_at": now,
                    "schema_version": CLAIM_SCHEMA_VERSION,
                },
            )
            tx.set(
                _state(uid),
                {
                    "latest_version": version,
                    "provider": profile.provenance.provider,
                    "updated_at": now,
                    "last_failure": None,
                    "schema_version": STATE_SCHEMA_VERSION,
                },
            )
            return profile, version

        return self._store.run_transaction(apply)

    def record_failure(self, uid: str, failure: ProfileFailure) -> None:
        """Remember why the last generation failed (the journey shows it)."""
        data: dict[str, Any] = {
            "failure_class": failure.failure_class,
            "message": failure.message,
            "document_id": failure.document_id,
            "at": failure.at,
        }
        self._store.set(
            _state(uid), {"last_failure": data, "schema_version": STATE_SCHEMA_VERSION}, merge=True
        )

    def clear_failure(self, uid: str, document_id: str | None = None) -> None:
        """Forget the last failure: any (a new generation was asked for), or only this document's
        (its profile exists after all)."""
        state = self.state(uid)
        if (
            state is not None
            and state.last_failure is not None
            and (document_id is None or state.last_failure.document_id == document_id)
        ):
            self._store.set(
                _state(uid), {"last_failure": None, "schema_version": STATE_SCHEMA_VERSION}, merge=True
            )

    def state(self, uid: str) -> ProfileState | None:
        """The user's profile state, None before any generation was attempted."""
        snap = self._store.get(_state(uid))
        if snap is None:
            return None
        raw = snap.data.get("last_failure")
        failure = None
        if isinstance(raw, dict):
            failure = ProfileFailure(
                str(raw.get("failure_class") or ""),
                str(raw.get("message") or ""),
                str(raw.get("document_id") or ""),
                raw["at"],
            )
        provider = snap.data.get("provider")
        return ProfileState(int(snap.data.get("latest_version") or 0), provider, failure)
