"""Dev tokens: HS256, verified like ID tokens, refused outside local and test."""

from __future__ import annotations

import time

import jwt
import pytest

from shared.adapters.local.dev_tokens import ISSUER, DevTokenIdentity, DevTokensRefused
from shared.domain.errors import Unauthenticated
from shared.ports import Role

SECRET = "dev-token-unit-secret-0123456789abcdef"


@pytest.fixture
def identity() -> DevTokenIdentity:
    return DevTokenIdentity(SECRET, environment="test")


class TestMintAndVerify:
    def test_round_trips_uid_email_and_role(self, identity: DevTokenIdentity) -> None:
        token = identity.mint("alice", email="alice@example.com", role=Role.OPERATOR)

        principal = identity.verify(token)

        assert (principal.uid, principal.email, principal.role) == (
            "alice",
            "alice@example.com",
            Role.OPERATOR,
        )
        assert principal.claims["iss"] == ISSUER

    def test_role_defaults_to_user(self, identity: DevTokenIdentity) -> None:
        assert identity.verify(identity.mint("bob")).role == Role.USER

    def test_token_lives_for_its_ttl(self, identity: DevTokenIdentity) -> None:
        claims = jwt.decode(identity.mint("bob", ttl_s=120), options={"verify_signature": False})

        assert claims["exp"] - claims["iat"] == 120

    def test_refuses_an_empty_uid(self, identity: DevTokenIdentity) -> None:
        with pytest.raises(ValueError, match="uid"):
            identity.mint("")


class TestRejects:
    def test_refuses_expired_token(self, identity: DevTokenIdentity) -> None:
        token = identity.mint("alice", ttl_s=60, now=time.time() - 3600)

        with pytest.raises(Unauthenticated, match="expired"):
            identity.verify(token)

    def test_refuses_token_signed_with_another_secret(self, identity: DevTokenIdentity) -> None:
        forged = DevTokenIdentity("x" * 40, environment="test").mint("alice")

        with pytest.raises(Unauthenticated):
            identity.verify(forged)

    def test_refuses_tampered_payload(self, identity: DevTokenIdentity) -> None:
        header, _, signature = identity.mint("alice").split(".")
        other_payload = identity.mint("mallory", role=Role.OPERATOR).split(".")[1]

        with pytest.raises(Unauthenticated):
            identity.verify(f"{header}.{other_payload}x.{signature}")

    @pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0."])
    def test_refuses_malformed_tokens(self, identity: DevTokenIdentity, token: str) -> None:
        with pytest.raises(Unauthenticated):
            identity.verify(token)

    def test_refuses_unsigned_alg_none_token(self, identity: DevTokenIdentity) -> None:
        now = int(time.time())
        unsigned = jwt.encode(
            {"sub": "u", "iss": ISSUER, "iat": now, "exp": now + 60}, None, algorithm="none"
        )

        with pytest.raises(Unauthenticated):
            identity.verify(unsigned)

    def test_refuses_wrong_issuer(self) -> None:
        now = int(time.time())
        token = jwt.encode(
            {"sub": "u", "iss": "someone-else", "iat": now, "exp": now + 60}, SECRET, algorithm="HS256"
        )

        with pytest.raises(Unauthenticated):
            DevTokenIdentity(SECRET, environment="test").verify(token)

    def test_refuses_unknown_role(self) -> None:
        now = int(time.time())
        claims = {"sub": "u", "iss": ISSUER, "iat": now, "exp": now + 60, "role": "root"}
        token = jwt.encode(claims, SECRET, algorithm="HS256")

        with pytest.raises(Unauthenticated):
            DevTokenIdentity(SECRET, environment="test").verify(token)


class TestEnvironmentGuard:
    @pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
    def test_refuses_to_construct_outside_local_and_test(self, environment: str) -> None:
        with pytest.raises(DevTokensRefused, match="only allowed"):
            DevTokenIdentity(SECRET, environment=environment)

    def test_local_is_allowed(self) -> None:
        identity = DevTokenIdentity(SECRET, environment="local")

        assert identity.verify(identity.mint("u")).uid == "u"

    def test_refuses_a_short_secret(self) -> None:
        with pytest.raises(ValueError, match="at least 32"):
            DevTokenIdentity("short", environment="test")
