"""The Identity port's account half, one contract on both backends: the local SQLite store and
FirebaseIdentity on the Auth emulator."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import Settings
from shared.domain.errors import AlreadyExists, NotFound, Unauthenticated
from shared.ports import Role
from tests.contract.identity_backends import BACKENDS, IdentityBackend, firebase_backend, local_backend

PASSWORD = "correct horse battery"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IdentityBackend]:
    if request.param == "local":
        yield from local_backend(tmp_path)
    else:
        settings: Settings = request.getfixturevalue("gcp_settings")
        yield from firebase_backend(str(settings.firebase_auth_emulator_host))


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


def fails_sign_in(backend: IdentityBackend, email: str, password: str) -> bool:
    try:
        backend.sign_in(email, password)
    except (Unauthenticated, RuntimeError):  # local adapter / emulator REST error
        return True
    return False


class TestCreate:
    def test_a_new_user_is_unverified(self, backend: IdentityBackend) -> None:
        email = new_email()

        created = backend.identity.create_user(email, PASSWORD, "Jane")

        fetched = backend.identity.user(created.uid)
        assert fetched is not None
        assert (fetched.email, fetched.email_verified, fetched.role) == (email, False, Role.USER)
        assert fetched.display_name == "Jane"
        by_email = backend.identity.user_by_email(email)
        assert by_email is not None
        assert by_email.uid == created.uid

    def test_a_taken_email_already_exists(self, backend: IdentityBackend) -> None:
        email = new_email()
        backend.identity.create_user(email, PASSWORD)

        with pytest.raises(AlreadyExists):
            backend.identity.create_user(email, "another password 123")

    def test_unknown_accounts(self, backend: IdentityBackend) -> None:
        assert backend.identity.user("no-such-uid-" + uuid.uuid4().hex[:8]) is None
        assert backend.identity.user_by_email(new_email()) is None
        with pytest.raises(NotFound):
            backend.identity.set_password("no-such-uid-" + uuid.uuid4().hex[:8], PASSWORD)


class TestTokens:
    def test_a_signed_in_unverified_user(self, backend: IdentityBackend) -> None:
        email = new_email()
        created = backend.identity.create_user(email, PASSWORD)

        principal = backend.identity.verify(backend.sign_in(email, PASSWORD))

        assert (principal.uid, principal.email, principal.email_verified) == (created.uid, email, False)

    def test_marked_verified_shows_in_the_next_token(self, backend: IdentityBackend) -> None:
        email = new_email()
        created = backend.identity.create_user(email, PASSWORD)

        backend.identity.mark_verified(created.uid)

        assert backend.identity.verify(backend.sign_in(email, PASSWORD)).email_verified is True
        fetched = backend.identity.user(created.uid)
        assert fetched is not None
        assert fetched.email_verified

    def test_a_wrong_password_is_refused(self, backend: IdentityBackend) -> None:
        email = new_email()
        backend.identity.create_user(email, PASSWORD)

        assert fails_sign_in(backend, email, "wrong password 123")
        assert fails_sign_in(backend, new_email(), PASSWORD)

    def test_set_password_replaces_it(self, backend: IdentityBackend) -> None:
        email = new_email()
        created = backend.identity.create_user(email, PASSWORD)

        backend.identity.set_password(created.uid, "a brand new passphrase")

        assert fails_sign_in(backend, email, PASSWORD)
        backend.identity.verify(backend.sign_in(email, "a brand new passphrase"))

    def test_revoke_ends_earlier_tokens_only(self, backend: IdentityBackend) -> None:
        email = new_email()
        created = backend.identity.create_user(email, PASSWORD)
        old = backend.sign_in(email, PASSWORD)
        backend.before_revoke(old)

        backend.identity.revoke(created.uid)

        with pytest.raises(Unauthenticated, match="revoked"):
            backend.identity.verify(old)
        assert backend.identity.verify(backend.sign_in(email, PASSWORD)).uid == created.uid

    def test_the_role_claim_reaches_the_next_token(self, backend: IdentityBackend) -> None:
        email = new_email()
        created = backend.identity.create_user(email, PASSWORD)

        backend.identity.set_role(created.uid, Role.OPERATOR)
        assert backend.identity.verify(backend.sign_in(email, PASSWORD)).role == Role.OPERATOR
        fetched = backend.identity.user(created.uid)
        assert fetched is not None
        assert fetched.role == Role.OPERATOR

        backend.identity.set_role(created.uid, Role.USER)
        assert backend.identity.verify(backend.sign_in(email, PASSWORD)).role == Role.USER


class TestDelete:
    def test_delete_removes_the_account_and_is_idempotent(self, backend: IdentityBackend) -> None:
        email = new_email()
        created = backend.identity.create_user(email, PASSWORD)
        token = backend.sign_in(email, PASSWORD)

        backend.identity.delete_user(created.uid)
        backend.identity.delete_user(created.uid)

        assert backend.identity.user(created.uid) is None
        assert fails_sign_in(backend, email, PASSWORD)
        with pytest.raises(Unauthenticated):
            backend.identity.verify(token)
