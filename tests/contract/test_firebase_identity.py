"""FirebaseIdentity on the Firebase Auth emulator: real ID tokens, custom claims, revocation."""

from __future__ import annotations

import time

import pytest

from shared.adapters.gcp.firebase_identity import FirebaseIdentity
from shared.config import Settings
from shared.domain.errors import Unauthenticated
from shared.ports import Role
from tests.emulators import auth_users
from tests.emulators.catalog import PROJECT

pytestmark = pytest.mark.emulator("auth")


@pytest.fixture
def auth_host(gcp_settings: Settings) -> str:
    """host:port of the Auth emulator."""
    return str(gcp_settings.firebase_auth_emulator_host)


@pytest.fixture
def identity() -> FirebaseIdentity:
    """The adapter for the emulator's demo project."""
    return FirebaseIdentity(PROJECT)


class TestValidTokens:
    def test_a_signed_up_user_is_a_user(self, auth_host: str, identity: FirebaseIdentity) -> None:
        user = auth_users.sign_up(auth_host)

        principal = identity.verify(user.id_token)

        assert (principal.uid, principal.email, principal.role) == (user.uid, user.email, Role.USER)

    def test_the_operator_claim_makes_an_operator(self, auth_host: str, identity: FirebaseIdentity) -> None:
        user = auth_users.sign_up(auth_host)
        auth_users.set_role(user.uid, "operator")

        principal = identity.verify(auth_users.sign_in(auth_host, user).id_token)

        assert principal.role == Role.OPERATOR


class TestRefusedTokens:
    def test_refuses_a_revoked_token(self, auth_host: str, identity: FirebaseIdentity) -> None:
        user = auth_users.sign_up(auth_host)
        auth_users.revoke(user.uid)

        with pytest.raises(Unauthenticated, match="revoked"):
            identity.verify(user.id_token)

    def test_refuses_an_expired_token(self, auth_host: str, identity: FirebaseIdentity) -> None:
        user = auth_users.sign_up(auth_host)
        # Only exp changes: the emulator skips expiry checks, so the adapter must catch it itself.
        expired = auth_users.craft(user.id_token, exp=int(time.time()) - 60)

        with pytest.raises(Unauthenticated, match="expired"):
            identity.verify(expired)

    def test_refuses_a_token_for_another_project(self, auth_host: str, identity: FirebaseIdentity) -> None:
        user = auth_users.sign_up(auth_host)

        with pytest.raises(Unauthenticated):
            identity.verify(auth_users.craft(user.id_token, aud="someone-else"))

    def test_refuses_a_token_whose_subject_was_swapped(
        self, auth_host: str, identity: FirebaseIdentity
    ) -> None:
        user = auth_users.sign_up(auth_host)

        with pytest.raises(Unauthenticated):
            identity.verify(auth_users.craft(user.id_token, sub="no-such-user", user_id="no-such-user"))

    def test_refuses_an_unknown_role(self, auth_host: str, identity: FirebaseIdentity) -> None:
        user = auth_users.sign_up(auth_host)
        auth_users.set_role(user.uid, "superuser")

        with pytest.raises(Unauthenticated):
            identity.verify(auth_users.sign_in(auth_host, user).id_token)

    @pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c"])
    def test_refuses_malformed_tokens(self, identity: FirebaseIdentity, token: str) -> None:
        with pytest.raises(Unauthenticated):
            identity.verify(token)
