"""``career token`` mints dev tokens the local stack accepts, and only where dev tokens are allowed."""

from __future__ import annotations

from click.testing import CliRunner

from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.cli.main import main
from shared.ports import Role

SECRET = "cli-token-unit-secret-0123456789abcdef"


class TestToken:
    def test_prints_a_token_for_the_uid_email_and_role(self) -> None:
        env = {"CAREER_DEV_TOKEN_SECRET": SECRET, "CAREER_ENVIRONMENT": "local"}

        result = CliRunner().invoke(
            main, ["token", "--uid", "ops1", "--email", "ops@example.com", "--role", "operator"], env=env
        )

        assert result.exit_code == 0, result.output
        principal = DevTokenIdentity(SECRET, environment="test").verify(result.output.strip())
        assert (principal.uid, principal.email, principal.role) == ("ops1", "ops@example.com", Role.OPERATOR)

    def test_refuses_outside_local_and_test(self) -> None:
        env = {"CAREER_DEV_TOKEN_SECRET": SECRET, "CAREER_ENVIRONMENT": "prod"}

        result = CliRunner().invoke(main, ["token", "--uid", "u1"], env=env)

        assert result.exit_code != 0
        assert "only allowed" in result.output

    def test_refuses_an_unknown_role(self) -> None:
        result = CliRunner().invoke(main, ["token", "--uid", "u1", "--role", "root"])

        assert result.exit_code == 2

    def test_needs_a_uid_for_a_dev_token(self) -> None:
        result = CliRunner().invoke(main, ["token"])

        assert result.exit_code == 2
        assert "--uid" in result.output


class TestEmulatedToken:
    def test_says_how_to_point_at_the_auth_emulator_when_it_is_not_set(self) -> None:
        env = {"FIREBASE_AUTH_EMULATOR_HOST": ""}

        result = CliRunner().invoke(main, ["token", "--emulated", "--email", "a@example.com"], env=env)

        assert result.exit_code == 1
        assert ". .emulators/emulated.env" in result.output

    def test_reports_an_unreachable_emulator_without_a_traceback(self) -> None:
        from tests.emulators.process import free_port

        env = {"FIREBASE_AUTH_EMULATOR_HOST": f"127.0.0.1:{free_port()}"}

        result = CliRunner().invoke(main, ["token", "--emulated", "--email", "a@example.com"], env=env)

        assert result.exit_code == 1
        assert "Auth emulator unreachable" in result.output
