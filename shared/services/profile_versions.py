"""Storage of career profile versions, per user:

- ``users/{uid}/career_profiles/{version}``: immutable versions (CareerProfile), 1, 2, ...
- ``users/{uid}/career_profile_hashes/{inputs_hash}``: which version an inputs hash produced,
  and whether its ``profile-events`` message went out (a retry re-sends a lost one);
- ``users/{uid}/career_profile_state/current``: the latest version and the last failure
  (what the journey shows).

A version, its hash claim and the version counter are written in one transaction, so two
concurrent generations with the same inputs make one version, and versions never collide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.domain.errors import CareerError, NotFound
from shared.domain.profiles import CareerProfile
from shared.messages import ProfileVersionCreated, publish
from shared.ports import Clock, DocumentStore, Order, Publisher, Query, Transaction
from shared.services.pagination import page

STATE_SCHEMA_VERSION = 1


def profiles_collection(uid: str) -> str:
    """The collection of a user's profile versions."""
    return f"users/{uid}/career_profiles"


def profile_path(uid: str, version: int) -> str:
    """The store path of one version."""
    return f"{profiles_collection(uid)}/{version}"


def state_path(uid: str) -> str:
    """Latest version and last failure of a user's profile."""
    return f"users/{uid}/career_profile_state/current"


def hash_path(uid: str, inputs_hash: str) -> str:
    """The claim of one inputs hash."""
    return f"users/{uid}/career_profile_hashes/{inputs_hash}"


class ProfileVersions:
    """Reads and writes one user's versions; announces each new one on ``profile-events``."""

    def __init__(self, store: DocumentStore, publisher: Publisher, clock: Clock) -> None:
        self._store = store
        self._publisher = publisher
        self._clock = clock

    def get(self, uid: str, version: int) -> CareerProfile:
        """One version; NotFound otherwise (also for another user's)."""
        snap = self._store.get(profile_path(uid, version))
        if snap is None:
            raise NotFound(f"career profile version {version} not found")
        return CareerProfile.model_validate(snap.data)

    def latest(self, uid: str) -> CareerProfile:
        """The newest version; NotFound before the first."""
        found = self._store.query(
            Query(profiles_collection(uid), order_by=(Order("version", descending=True),), limit=1)
        )
        if not found:
            raise NotFound("no career profile yet")
        return CareerProfile.model_validate(found[0].data)

    def history(self, uid: str, *, limit: int, cursor: str | None) -> tuple[list[CareerProfile], str | None]:
        """Versions newest first, one query per page."""
        result = page(
            self._store,
            Query(profiles_collection(uid), order_by=(Order("version", descending=True),)),
            limit=limit,
            cursor=cursor,
        )
        return [CareerProfile.model_validate(s.data) for s in result.items], result.next_cursor

    def by_hash(self, uid: str, inputs_hash: str) -> CareerProfile | None:
        """The version an inputs hash made, re-announcing it if its event was lost."""
        claim = self._store.get(hash_path(uid, inputs_hash))
        if claim is None:
            return None
        profile = self.get(uid, int(claim.data["version"]))
        if not claim.data.get("published"):
            self._publish(uid, inputs_hash, profile.version)
        return profile

    def add(
        self, uid: str, inputs_hash: str, build: Callable[[int], CareerProfile]
    ) -> tuple[CareerProfile, bool]:
        """Store ``build(next version)`` unless the hash is already claimed; (profile, created)."""
        now = self._clock.now()

        def apply(tx: Transaction) -> tuple[CareerProfile | None, int]:
            claim = tx.get(hash_path(uid, inputs_hash))
            state = tx.get(state_path(uid))
            if claim is not None:
                return None, int(claim.data["version"])  # a concurrent call made it first
            version = int(state.data.get("latest_version") or 0) + 1 if state else 1
            profile = build(version)
            tx.create(profile_path(uid, version), profile.model_dump())
            tx.create(
                hash_path(uid, inputs_hash), {"version": version, "published": False, "created_at": now}
            )
            tx.set(
                state_path(uid),
                {
                    "latest_version": version,
                    "provider": profile.provenance.provider,
                    "updated_at": now,
                    "last_failure": None,
                    "schema_version": STATE_SCHEMA_VERSION,
                },
            )
            return profile, version

        made, version = self._store.run_transaction(apply)
        if made is None:
            return self.get(uid, version), False
        self._publish(uid, inputs_hash, version)
        return made, True

    def record_failure(self, uid: str, document_id: str, err: CareerError) -> None:
        """Remember why the last generation failed (the journey shows it)."""
        failure: dict[str, Any] = {
            "failure_class": str(err.failure_class),
            "message": err.message[:500],
            "document_id": document_id,
            "at": self._clock.now(),
        }
        self._store.set(
            state_path(uid), {"last_failure": failure, "schema_version": STATE_SCHEMA_VERSION}, merge=True
        )

    def _publish(self, uid: str, inputs_hash: str, version: int) -> None:
        # Published after the commit; the claim's flag lets a redelivered task re-send a lost event.
        publish(self._publisher, ProfileVersionCreated(uid=uid, version=version), attributes={"uid": uid})
        self._store.update(hash_path(uid, inputs_hash), {"published": True})
