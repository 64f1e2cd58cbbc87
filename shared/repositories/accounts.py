"""User records and profile inputs: the one place that knows how they are stored.

- ``users/{uid}``: the User record;
- ``users/{uid}/inputs/current``: the current StoredProfileInputs.
"""

from __future__ import annotations

from typing import Any

from shared.domain.accounts import StoredProfileInputs, User
from shared.ports import DocumentStore


def _user(uid: str) -> str:
    return f"users/{uid}"


def _inputs(uid: str) -> str:
    return f"users/{uid}/inputs/current"


class Accounts:
    """A user's own record and profile inputs."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def user(self, uid: str) -> User | None:
        """The account of ``uid``, None before it exists."""
        snap = self._store.get(_user(uid))
        return User.model_validate(snap.data) if snap is not None else None

    def create_user(self, user: User) -> None:
        """Create the account; AlreadyExists when a concurrent request made it first."""
        self._store.create(_user(user.uid), user.model_dump())

    def update_user(self, user: User, fields: set[str]) -> None:
        """Write ``fields`` of ``user`` (and its updated_at); NotFound when the account is gone."""
        data: dict[str, Any] = {name: getattr(user, name) for name in fields}
        data["updated_at"] = user.updated_at
        self._store.update(_user(user.uid), data)

    def inputs(self, uid: str) -> StoredProfileInputs | None:
        """The user's profile inputs, None before the first PUT."""
        snap = self._store.get(_inputs(uid))
        return StoredProfileInputs.model_validate(snap.data) if snap is not None else None

    def put_inputs(self, uid: str, inputs: StoredProfileInputs) -> None:
        """Replace the user's profile inputs."""
        # Enums as their values (the store holds JSON-like data), datetimes stay tz-aware.
        doc = inputs.model_dump(mode="json")
        doc["updated_at"] = inputs.updated_at
        self._store.set(_inputs(uid), doc)
