"""``career users``: roles, erasure and audit of accounts (Firebase custom claims on gcp, the local
identity store on the local backend)."""

from __future__ import annotations

from pathlib import Path

import click

from shared.cli.stack_data import data_dir_option, open_stack
from shared.ports import Role

_ROLES = click.Choice([r.value for r in Role if r is not Role.USER])


@click.group()
def users() -> None:
    """Accounts: roles, erasure and audit."""


@users.command()
@click.option("--uid", required=True, help="The account.")
@click.option("--role", type=_ROLES, required=True, help="The role to give.")
@data_dir_option
def grant(uid: str, role: str, data_dir: Path | None) -> None:
    """Give an account a role (its next token carries it)."""
    _change_role(data_dir, uid, Role(role), grant=True)


@users.command()
@click.option("--uid", required=True, help="The account.")
@click.option("--role", type=_ROLES, required=True, help="The role to take back.")
@data_dir_option
def revoke(uid: str, role: str, data_dir: Path | None) -> None:
    """Take a role back and end the account's sessions."""
    _change_role(data_dir, uid, Role(role), grant=False)


def _change_role(data_dir: Path | None, uid: str, role: Role, *, grant: bool) -> None:
    from shared.domain.errors import CareerError
    from shared.services.user_admin import UserAdmin

    try:
        admin = open_stack(data_dir).make(UserAdmin)
        user = admin.grant(uid, role) if grant else admin.revoke(uid, role)
    except CareerError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"{user.uid}\t{user.role.value}")


@users.command()
@click.option("--uid", required=True, help="The account to erase.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@data_dir_option
def delete(uid: str, yes: bool, data_dir: Path | None) -> None:
    """Erase an account: every stored document and file about it, then the identity."""
    from shared.services.user_admin import UserAdmin

    if not yes:
        click.confirm(f"Erase account {uid} and all its data?", abort=True)
    report = open_stack(data_dir).make(UserAdmin).delete(uid)
    click.echo(report.model_dump_json())


@users.command()
@click.option("--uid", required=True, help="The account (erased or not).")
@data_dir_option
def audit(uid: str, data_dir: Path | None) -> None:
    """Read the whole store for documents about an account (slow: every collection).

    Prints what is under the account, what the erasure's declared references find, and what
    names the account that no reference finds; exits 1 when there is any of the last.
    """
    from shared.services.user_admin import UserAdmin

    report = open_stack(data_dir).make(UserAdmin).audit(uid)
    click.echo(report.model_dump_json())
    if report.undeclared:
        raise click.ClickException(
            f"{len(report.undeclared)} documents name {uid} outside the declared user references "
            "(TOPOLOGY.user_references): an erasure would leave them"
        )
