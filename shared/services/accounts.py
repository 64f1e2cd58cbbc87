"""Accounts: the caller's own user record and profile inputs, under ``users/{uid}`` only."""

from __future__ import annotations

from shared.domain.accounts import (
    SCHEMA_VERSION,
    ProfileInputs,
    StoredProfileInputs,
    User,
    UserChanges,
)
from shared.domain.errors import AlreadyExists, NotFound
from shared.ports import Clock, DocumentStore, Principal


def user_path(uid: str) -> str:
    """The account document of ``uid``."""
    return f"users/{uid}"


def inputs_path(uid: str) -> str:
    """The current profile inputs of ``uid``."""
    return f"users/{uid}/inputs/current"


class AccountsService:
    """Reads and writes the caller's own account and profile inputs."""

    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def get_me(self, principal: Principal) -> User:
        """The caller's account, created on first call (idempotent under concurrent first calls)."""
        path = user_path(principal.uid)
        snap = self._store.get(path)
        if snap is not None:
            return User.model_validate(snap.data)
        now = self._clock.now()
        user = User(
            uid=principal.uid,
            email=principal.email,
            created_at=now,
            updated_at=now,
        )
        try:
            self._store.create(path, user.model_dump())
        except AlreadyExists:
            # A concurrent first request created it: theirs wins, read it back.
            snap = self._store.get(path)
            if snap is None:  # deleted in between: nothing sensible to return
                raise NotFound("account not found") from None
            return User.model_validate(snap.data)
        return user

    def update_me(self, principal: Principal, changes: UserChanges) -> User:
        """Set the editable fields present in ``changes``; returns the updated account."""
        current = self.get_me(principal)
        fields = {name: getattr(changes, name) for name in changes.model_fields_set}
        if not fields:
            return current
        updated = current.model_copy(update={**fields, "updated_at": self._clock.now()})
        self._store.update(user_path(principal.uid), {**fields, "updated_at": updated.updated_at})
        return updated

    def get_inputs(self, uid: str) -> StoredProfileInputs:
        """The caller's profile inputs; NotFound before the first PUT."""
        snap = self._store.get(inputs_path(uid))
        if snap is None:
            raise NotFound("profile inputs have not been set yet")
        return StoredProfileInputs.model_validate(snap.data)

    def put_inputs(self, uid: str, inputs: ProfileInputs) -> StoredProfileInputs:
        """Replace the caller's profile inputs; returns what was stored."""
        stored = StoredProfileInputs(
            **inputs.model_dump(),
            updated_at=self._clock.now(),
            schema_version=SCHEMA_VERSION,
        )
        self._store.set(inputs_path(uid), _to_document(stored))
        return stored


def _to_document(inputs: StoredProfileInputs) -> dict[str, object]:
    # Enums as their values (the store holds JSON-like data), datetimes stay tz-aware.
    doc = inputs.model_dump(mode="json")
    doc["updated_at"] = inputs.updated_at
    return doc
