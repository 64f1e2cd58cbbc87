"""Accounts: the caller's own user record and profile inputs (stored by the Accounts repository)."""

from __future__ import annotations

from shared.domain.accounts import (
    SCHEMA_VERSION,
    ProfileInputs,
    StoredProfileInputs,
    User,
    UserChanges,
)
from shared.domain.errors import AlreadyExists, NotFound
from shared.ports import Clock, Principal
from shared.repositories.accounts import Accounts


class AccountsService:
    """Reads and writes the caller's own account and profile inputs."""

    def __init__(self, accounts: Accounts, clock: Clock) -> None:
        self._accounts = accounts
        self._clock = clock

    def get_me(self, principal: Principal) -> User:
        """The caller's account, created on first call (idempotent under concurrent first calls)."""
        found = self._accounts.user(principal.uid)
        if found is not None:
            if principal.email_verified and not found.email_verified:
                synced = found.model_copy(update={"email_verified": True, "updated_at": self._clock.now()})
                self._accounts.update_user(synced, {"email_verified"})
                return synced
            return found
        now = self._clock.now()
        user = User(
            uid=principal.uid,
            email=principal.email,
            email_verified=principal.email_verified,
            created_at=now,
            updated_at=now,
        )
        try:
            self._accounts.create_user(user)
        except AlreadyExists:
            # A concurrent first request created it: theirs wins, read it back.
            theirs = self._accounts.user(principal.uid)
            if theirs is None:  # deleted in between: nothing sensible to return
                raise NotFound("account not found") from None
            return theirs
        return user

    def create_record(self, uid: str, email: str, display_name: str | None) -> None:
        """The account document of a user who just signed up (kept when it exists)."""
        now = self._clock.now()
        user = User(uid=uid, email=email, display_name=display_name, created_at=now, updated_at=now)
        try:
            self._accounts.create_user(user)
        except AlreadyExists:
            return

    def mark_verified(self, uid: str) -> None:
        """Record that the account's e-mail is verified (no-op without an account record)."""
        found = self._accounts.user(uid)
        if found is not None and not found.email_verified:
            self._accounts.update_user(
                found.model_copy(update={"email_verified": True, "updated_at": self._clock.now()}),
                {"email_verified"},
            )

    def update_me(self, principal: Principal, changes: UserChanges) -> User:
        """Set the editable fields present in ``changes``; returns the updated account."""
        current = self.get_me(principal)
        fields = {name: getattr(changes, name) for name in changes.model_fields_set}
        if not fields:
            return current
        updated = current.model_copy(update={**fields, "updated_at": self._clock.now()})
        self._accounts.update_user(updated, set(fields))
        return updated

    def get_inputs(self, uid: str) -> StoredProfileInputs:
        """The caller's profile inputs; NotFound before the first PUT."""
        stored = self._accounts.inputs(uid)
        if stored is None:
            raise NotFound("profile inputs have not been set yet")
        return stored

    def put_inputs(self, uid: str, inputs: ProfileInputs) -> StoredProfileInputs:
        """Replace the caller's profile inputs; returns what was stored."""
        stored = StoredProfileInputs(
            **inputs.model_dump(),
            updated_at=self._clock.now(),
            schema_version=SCHEMA_VERSION,
        )
        self._accounts.put_inputs(uid, stored)
        return stored
