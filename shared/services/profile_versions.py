"""Career profile versions and their announcement: each new version is stored (through the
CareerProfiles repository) and then published as ProfileVersionCreated.

The hash claim records whether the message went out, so a redelivered task re-sends a lost one.
"""

from __future__ import annotations

from collections.abc import Callable

from shared.channels import publish
from shared.channels.profile_events import ProfileVersionCreated
from shared.domain.errors import CareerError
from shared.domain.profiles import CareerProfile
from shared.ports import Clock, Publisher
from shared.repositories.career_profiles import CareerProfiles, ProfileFailure


class ProfileVersions:
    """Reads and writes one user's versions; announces each new one on ``profile-events``."""

    def __init__(self, profiles: CareerProfiles, publisher: Publisher, clock: Clock) -> None:
        self.profiles = profiles
        self._publisher = publisher
        self._clock = clock

    def get(self, uid: str, version: int) -> CareerProfile:
        """One version; NotFound otherwise (also for another user's)."""
        return self.profiles.get(uid, version)

    def latest(self, uid: str) -> CareerProfile:
        """The newest version; NotFound before the first."""
        return self.profiles.latest(uid)

    def history(self, uid: str, *, limit: int, cursor: str | None) -> tuple[list[CareerProfile], str | None]:
        """Versions newest first, one query per page."""
        found = self.profiles.history(uid, limit=limit, cursor=cursor)
        return list(found.items), found.next_cursor

    def by_hash(self, uid: str, inputs_hash: str) -> CareerProfile | None:
        """The version an inputs hash made, re-announcing it if its event was lost."""
        claim = self.profiles.claim(uid, inputs_hash)
        if claim is None:
            return None
        profile = self.profiles.get(uid, claim.version)
        if not claim.published:
            self._publish(uid, inputs_hash, profile.version)
        return profile

    def add(
        self, uid: str, inputs_hash: str, build: Callable[[int], CareerProfile]
    ) -> tuple[CareerProfile, bool]:
        """Store ``build(next version)`` unless the hash is already claimed; (profile, created)."""
        made, version = self.profiles.add(uid, inputs_hash, build, self._clock.now())
        if made is None:
            return self.profiles.get(uid, version), False
        self._publish(uid, inputs_hash, version)
        return made, True

    def record_failure(self, uid: str, document_id: str, err: CareerError) -> None:
        """Remember why the last generation failed (the journey shows it)."""
        failure = ProfileFailure(str(err.failure_class), err.message[:500], document_id, self._clock.now())
        self.profiles.record_failure(uid, failure)

    def clear_failure(self, uid: str) -> None:
        """A new generation was asked for: the last failure no longer stands."""
        self.profiles.clear_failure(uid)

    def _publish(self, uid: str, inputs_hash: str, version: int) -> None:
        # Published after the commit; the claim's flag lets a redelivered task re-send a lost event.
        publish(self._publisher, ProfileVersionCreated(uid=uid, version=version), attributes={"uid": uid})
        self.profiles.mark_published(uid, inputs_hash)
