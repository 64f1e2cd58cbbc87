"""``career token``: mint a dev token for the local stack (refused outside local and test)."""

from __future__ import annotations

import click

from shared.config import get_settings
from shared.ports import Role


@click.command()
@click.option("--uid", required=True, help="The user id the token speaks for.")
@click.option("--email", default=None, help="E-mail claim (optional).")
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
    help="Lifetime in seconds.",
)
def token(uid: str, email: str | None, role: str, ttl: int) -> None:
    """Print a signed dev token to send as "Authorization: Bearer TOKEN"."""
    from shared.adapters.local.dev_tokens import DevTokenIdentity, DevTokensRefused

    settings = get_settings()
    try:
        identity = DevTokenIdentity(
            settings.dev_token_secret.get_secret_value(), environment=settings.environment
        )
        click.echo(identity.mint(uid, email=email, role=Role(role), ttl_s=ttl))
    except (DevTokensRefused, ValueError) as err:
        raise click.ClickException(str(err)) from None
