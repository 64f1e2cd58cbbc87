"""The two Identity backends the account contract runs on: local SQLite and the Auth emulator."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.local_identity import LocalIdentity
from shared.ports import Identity


@dataclass
class IdentityBackend:
    """An Identity plus what a client does against it: password sign-in, and waiting until
    a revocation issued now is distinguishable from tokens issued before it."""

    name: str
    identity: Identity
    sign_in: Callable[[str, str], str]
    before_revoke: Callable[[str], None]


def local_backend(tmp_path: Path) -> Iterator[IdentityBackend]:
    clock = ManualClock(datetime.now(UTC))
    identity = LocalIdentity(tmp_path / "identity.sqlite3", secret="s" * 32, environment="test", clock=clock)

    def before_revoke(token: str) -> None:
        clock.advance(milliseconds=1)

    yield IdentityBackend("local", identity, identity.sign_in, before_revoke)
    identity.close()


def firebase_backend(auth_host: str) -> Iterator[IdentityBackend]:
    from shared.adapters.gcp.firebase_identity import FirebaseIdentity
    from tests.emulators import auth_users
    from tests.emulators.catalog import PROJECT

    def sign_in(email: str, password: str) -> str:
        user = auth_users.User("", email, password, "")
        return auth_users.sign_in(auth_host, user).id_token

    def before_revoke(token: str) -> None:
        # Firebase compares whole seconds: a revocation in the token's own second spares it.
        issued = int(auth_users.claims_of(token)["iat"])
        deadline = time.monotonic() + 10
        while time.time() < issued + 1.05 and time.monotonic() < deadline:
            time.sleep(0.05)

    yield IdentityBackend("firebase", FirebaseIdentity(PROJECT), sign_in, before_revoke)


BACKENDS = [
    pytest.param("local"),
    pytest.param("firebase", marks=pytest.mark.emulator("auth")),
]


def describe(value: object) -> str:
    """Readable test ids."""
    return json.dumps(value)
