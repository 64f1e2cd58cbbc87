"""The local identity adapter's own rules (the shared contract: tests/contract/test_identity_accounts.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.dev_tokens import DevTokensRefused
from shared.adapters.local.local_identity import LocalIdentity, hash_password, password_matches
from shared.domain.errors import Unauthenticated

SECRET = "s" * 32


@pytest.fixture
def identity(tmp_path: Path) -> Iterator[LocalIdentity]:
    identity = LocalIdentity(
        tmp_path / "id.sqlite3", secret=SECRET, environment="test", clock=ManualClock(datetime.now(UTC))
    )
    yield identity
    identity.close()


def test_passwords_are_stored_as_salted_scrypt(identity: LocalIdentity, tmp_path: Path) -> None:
    identity.create_user("a@example.com", "a fine passphrase")

    raw = (tmp_path / "id.sqlite3").read_bytes()
    assert b"a fine passphrase" not in raw
    first, second = hash_password("same"), hash_password("same")
    assert first.startswith("scrypt$16384$8$1$")
    assert first != second
    assert password_matches("same", first)
    assert not password_matches("other", first)
    assert not password_matches("same", "garbage")


def test_emails_are_matched_case_insensitively(identity: LocalIdentity) -> None:
    created = identity.create_user("Jane@Example.com", "a fine passphrase")

    assert identity.verify(identity.sign_in(" jane@example.COM", "a fine passphrase")).uid == created.uid


def test_dev_tokens_without_an_account_still_verify(identity: LocalIdentity) -> None:
    assert identity.verify(identity.mint("someone")).uid == "someone"


def test_a_local_token_whose_account_is_gone_is_refused(identity: LocalIdentity) -> None:
    created = identity.create_user("a@example.com", "a fine passphrase")
    token = identity.sign_in("a@example.com", "a fine passphrase")

    identity.delete_user(created.uid)

    with pytest.raises(Unauthenticated):
        identity.verify(token)


def test_one_message_for_unknown_email_and_wrong_password(identity: LocalIdentity) -> None:
    identity.create_user("a@example.com", "a fine passphrase")

    with pytest.raises(Unauthenticated) as unknown:
        identity.sign_in("b@example.com", "a fine passphrase")
    with pytest.raises(Unauthenticated) as wrong:
        identity.sign_in("a@example.com", "not the passphrase")
    assert unknown.value.message == wrong.value.message


def test_refused_outside_local_environments(tmp_path: Path) -> None:
    with pytest.raises(DevTokensRefused):
        LocalIdentity(tmp_path / "x.sqlite3", secret=SECRET, environment="prod", clock=ManualClock())
