"""``career token``: a token for the local stack (dev token) or for emulated mode (Auth emulator)."""

from __future__ import annotations

import click

from shared.config import get_settings
from shared.ports import Role

EMULATED_PASSWORD = "emulated-password"  # noqa: S105 - a user of the Auth emulator, never a real one


@click.command()
@click.option("--uid", default=None, help="The user id the dev token speaks for (local stack).")
@click.option("--email", default=None, help="E-mail claim; with --emulated, the user to sign up or in.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.USER.value,
    show_default=True,
    help="Role claim.",
)
@click.option(
    "--ttl",
    type=click.IntRange(1, 30 * 24 * 3600),
    default=3600,
    show_default=True,
    help="Lifetime in seconds (dev tokens).",
)
@click.option(
    "--emulated",
    is_flag=True,
    help="Sign up or in on the Firebase Auth emulator ($FIREBASE_AUTH_EMULATOR_HOST) and print its ID token.",
)
@click.option(
    "--password",
    default=EMULATED_PASSWORD,
    show_default=True,
    help="With --emulated: the user's password on the Auth emulator.",
)
def token(uid: str | None, email: str | None, role: str, ttl: int, emulated: bool, password: str) -> None:
    """Print a token to send as "Authorization: Bearer TOKEN"."""
    if emulated:
        _emulated(email, role, password)
        return
    if uid is None:
        raise click.UsageError("give --uid (or --emulated --email E for the Auth emulator)")
    from shared.adapters.local.dev_tokens import DevTokenIdentity, DevTokensRefused

    settings = get_settings()
    try:
        identity = DevTokenIdentity(
            settings.dev_token_secret.get_secret_value(), environment=settings.environment
        )
        click.echo(identity.mint(uid, email=email, role=Role(role), ttl_s=ttl))
    except (DevTokensRefused, ValueError) as err:
        raise click.ClickException(str(err)) from None


def _emulated(email: str | None, role: str, password: str) -> None:
    from shared.cli.emulated_auth import EmulatedAuth, EmulatorAuthError

    settings = get_settings()
    host = settings.firebase_auth_emulator_host
    if not host:
        raise click.ClickException(
            "FIREBASE_AUTH_EMULATOR_HOST is not set: start `make run-emulated`, then "
            "`. .emulators/emulated.env` in this terminal"
        )
    if email is None:
        raise click.UsageError("--emulated needs --email (the user to sign up or in)")
    try:
        uid, id_token = EmulatedAuth(host, settings.project_id).id_token(
            email, password, role=None if role == Role.USER.value else role
        )
    except EmulatorAuthError as err:
        raise click.ClickException(f"Auth emulator: {err}") from None
    click.echo(f"uid {uid}", err=True)
    click.echo(id_token)
