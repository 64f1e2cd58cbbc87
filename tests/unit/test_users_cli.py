"""``career users grant / revoke / delete / audit`` on a local stack, seen through the HTTP edge."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from shared import bootstrap
from shared.api.routes import ops_routes
from shared.cli.main import main
from shared.config import Settings
from tests.support.http import client_for
from tests.unit.accounts_world import AccountsWorld
from tests.unit.data_rights_world import populate
from tests.unit.matching_world import OFFERS, save


@pytest.fixture
def world(settings: Settings) -> Iterator[AccountsWorld]:
    w = AccountsWorld(settings)
    assert w.container.store is not None  # the stack's folder exists, as after `career serve`
    yield w
    w.close()


def career(world: AccountsWorld, *args: str, code: int = 0) -> str:
    """Run the CLI as its own process would: its own container on the same data folder."""
    bootstrap.install(None)  # the CLI installs (and later closes) a container of its own
    try:
        result = CliRunner().invoke(main, [*args, "--data-dir", str(world.settings.data_dir)])
    finally:
        mine = bootstrap.install(world.container)
        if mine is not None:
            mine.close()
    assert result.exit_code == code, result.output
    return result.output


def ops_status(world: AccountsWorld, token: str) -> int:
    ops = client_for(ops_routes(), world.container, name="ops")
    status: int = ops.get("/dead-letters", headers={"Authorization": f"Bearer {token}"}).status_code
    return status


def test_grant_makes_an_operator_and_revoke_ends_it(world: AccountsWorld) -> None:
    email, token = world.verified_user()
    uid = world.get("/me", token).get_json()["uid"]
    assert ops_status(world, token) == 403  # a user on an operator route

    assert career(world, "users", "grant", "--uid", uid, "--role", "operator").split() == [uid, "operator"]
    operator = world.sign_in(email)
    assert ops_status(world, operator) == 200
    assert world.get("/me", operator).get_json()["role"] == "operator"

    world.clock.advance(seconds=1)
    assert career(world, "users", "revoke", "--uid", uid, "--role", "operator").split() == [uid, "user"]
    assert ops_status(world, operator) == 401  # the operator token is revoked with the role
    world.clock.advance(minutes=5)  # past the CLI process's own (wall) clock
    assert ops_status(world, world.sign_in(email)) == 403


def test_grant_refuses_an_unknown_account(world: AccountsWorld) -> None:
    with pytest.raises(AssertionError, match="no account nobody"):
        career(world, "users", "grant", "--uid", "nobody", "--role", "operator")


def test_delete_erases_the_account(world: AccountsWorld) -> None:
    _, token = world.verified_user()
    uid = world.get("/me", token).get_json()["uid"]

    output = career(world, "users", "delete", "--uid", uid, "--yes")

    assert '"identity_deleted":true' in output
    assert world.container.identity.user(uid) is None
    assert world.get("/me", token).status_code == 401


def test_audit_after_delete_finds_nothing_of_the_account(world: AccountsWorld) -> None:
    save(world.container.store, [], OFFERS)  # type: ignore[arg-type]
    _, _, uid = populate(world)
    before = json.loads(career(world, "users", "audit", "--uid", uid))
    assert before["documents"] > 0
    assert before["declared"]
    assert before["undeclared"] == []

    career(world, "users", "delete", "--uid", uid, "--yes")

    after = json.loads(career(world, "users", "audit", "--uid", uid))
    assert (after["documents"], after["declared"], after["undeclared"]) == (0, [], [])


def test_audit_fails_on_a_document_no_declared_reference_finds(world: AccountsWorld) -> None:
    _, token = world.verified_user()
    uid = world.get("/me", token).get_json()["uid"]
    world.container.store.set("stray_notes/n1", {"owner": uid, "schema_version": 1})

    output = career(world, "users", "audit", "--uid", uid, code=1)

    assert json.loads(output.splitlines()[0])["undeclared"] == ["stray_notes/n1"]
    assert "an erasure would leave them" in output
