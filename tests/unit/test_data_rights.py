"""Data rights on the local backend, through the API: GET /me/export holds everything stored
for the caller, DELETE /me erases it (documents, blobs, codes, identity), and neither reaches
another user. Completeness is judged against the store itself and the repositories' code,
never against a hand-written list of collections."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

import shared.repositories
from shared.adapters.local.file_blobs import FileBlobStore
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.config import Settings
from shared.domain.offers import content_hash
from shared.repositories.user_data import USERS, UserData, relative_collection
from shared.services.data_rights import DataRights
from shared.topology import TOPOLOGY
from tests.unit.accounts_world import AccountsWorld
from tests.unit.data_rights_world import populate, uid_of
from tests.unit.matching_world import OFFERS, save

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(settings: Settings) -> Iterator[AccountsWorld]:
    w = AccountsWorld(settings)
    save(w.container.store, [], OFFERS)  # type: ignore[arg-type]
    yield w
    w.close()


def token_pattern(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_\-]){re.escape(value)}(?![A-Za-z0-9_\-])")


def raw_documents(settings: Settings) -> list[tuple[str, str]]:
    """Every document of the store, straight from its file: (path, JSON text)."""
    with sqlite3.connect(settings.data_dir / "store.sqlite3") as db:
        rows = db.execute("SELECT parent, id, data FROM documents").fetchall()
    return [(f"{parent}/{doc_id}", data) for parent, doc_id, data in rows]


def naming(settings: Settings, *values: str) -> list[str]:
    patterns = [token_pattern(v) for v in values]
    return [path for path, text in raw_documents(settings) if any(p.search(path + text) for p in patterns)]


def blob_files(settings: Settings, uid: str) -> list[Path]:
    """Object files of the user in every bucket (the local store's ``.meta`` generation
    tombstones are its own bookkeeping, not objects)."""
    root = settings.data_dir / "blobs"
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and f"users/{uid}/" in p.as_posix() and ".meta" not in p.relative_to(root).parts
    ]


def code_collections() -> set[str]:
    """Every per-user collection the code writes: ``users/{uid}/<name>`` in any module."""
    found: set[str] = set()
    for path in (REPO / "shared").rglob("*.py"):
        for match in re.finditer(r"users/\{uid\}/(\w+)", path.read_text()):
            found.add(match.group(1))
    return found


class TestExport:
    def test_the_export_holds_every_document_about_the_user_and_nothing_else(
        self, world: AccountsWorld
    ) -> None:
        email, token, uid = populate(world)
        _, other_token, other = populate(world)

        export = world.get("/me/export", token).get_json()

        exported = {item["path"] for items in export["collections"].values() for item in items}
        exported |= {item["path"] for item in export["elsewhere"]}
        assert set(naming(world.settings, uid)) <= exported
        assert not naming(world.settings, other) or not (set(naming(world.settings, other)) & exported)
        assert other not in json.dumps(export)
        assert export["identity"]["email"] == email
        assert uid_of(world, other_token) == other

    def test_every_user_collection_of_the_code_is_populated_and_exported(self, world: AccountsWorld) -> None:
        _, token, _ = populate(world)

        export = world.get("/me/export", token).get_json()

        exported = {key.split("/")[0] for key in export["collections"]}
        missing = code_collections() - exported
        assert not missing, (
            f"user collections {sorted(missing)} are written by the code but absent from this export: "
            "populate them in populate() and make sure GET /me/export carries them"
        )

    def test_files_carry_text_and_a_working_signed_url(self, world: AccountsWorld) -> None:
        _, token, _ = populate(world)

        [file] = world.get("/me/export", token).get_json()["files"]

        assert "Senior Python engineer" in file["extracted_text"]
        url = urlsplit(file["pdf_url"])
        bucket, name = url.path.split("/", 3)[2], unquote(url.path.split("/", 3)[3])
        uploads = world.container.uploads
        assert isinstance(uploads, FileBlobStore)
        assert bucket == uploads.bucket
        data, content_type = uploads.read_signed(name, dict(parse_qsl(url.query)))
        assert data.startswith(b"%PDF-")
        assert content_type == "application/pdf"
        world.clock.advance(minutes=16)
        with pytest.raises(Exception, match="expired"):
            uploads.read_signed(name, dict(parse_qsl(url.query)))

    def test_the_export_needs_a_token(self, world: AccountsWorld) -> None:
        assert world.client.get("/me/export").status_code == 401


class TestDelete:
    def test_delete_needs_the_confirmation(self, world: AccountsWorld) -> None:
        _, token = world.verified_user()

        for body in ({}, {"confirm": "yes"}, {"confirm": "delete"}):
            response = world.client.delete("/me", json=body, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 422

    def test_delete_erases_everything_of_the_user_and_nothing_of_another(self, world: AccountsWorld) -> None:
        email, token, uid = populate(world)
        other_email, other_token, other = populate(world)
        before_other = sorted(naming(world.settings, other))
        assert naming(world.settings, uid)
        assert blob_files(world.settings, uid)

        response = world.client.delete(
            "/me", json={"confirm": "DELETE"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 202
        assert world.get("/me", token).status_code == 401  # sessions end at once
        world.deliver()

        assert naming(world.settings, uid, email) == []
        assert blob_files(world.settings, uid) == []
        assert world.container.identity.user(uid) is None
        assert (
            world.post("/auth/sign-in", {"email": email, "password": "a long enough passphrase"}).status_code
            == 401
        )
        assert sorted(naming(world.settings, other)) == before_other
        assert blob_files(world.settings, other)
        assert world.get("/me", other_token).status_code == 200
        assert other_email != email

    def test_an_unverified_account_may_delete_itself(self, world: AccountsWorld) -> None:
        from tests.unit.accounts_world import new_email

        email = new_email()
        world.sign_up(email)
        token = world.sign_in(email)

        response = world.client.delete(
            "/me", json={"confirm": "DELETE"}, headers={"Authorization": f"Bearer {token}"}
        )
        world.deliver()

        assert response.status_code == 202
        assert world.container.identity.user_by_email(email) is None

    def test_erasure_is_idempotent_and_resumable(self, world: AccountsWorld) -> None:
        email, _, uid = populate(world)
        rights = world.container.make(DataRights)

        first = rights.erase(uid)
        again = rights.erase(uid)

        assert first.documents > 0
        assert first.blobs == 2
        assert first.identity_deleted
        assert (again.documents, again.elsewhere, again.blobs, again.identity_deleted) == (0, 0, 0, False)
        assert naming(world.settings, uid, email) == []

    def test_a_pass_that_fails_before_the_identity_finishes_on_retry(self, world: AccountsWorld) -> None:
        email, _, uid = populate(world)
        rights = world.container.make(DataRights)
        identity: Any = world.container.identity
        real_delete = identity.delete_user

        def outage(_: str) -> None:
            raise RuntimeError("identity provider down")

        identity.delete_user = outage
        with pytest.raises(RuntimeError):
            rights.erase(uid)
        assert identity.user(uid) is not None  # the identity is last: still there to retry
        identity.delete_user = real_delete

        rights.erase(uid)

        assert identity.user(uid) is None
        assert naming(world.settings, uid, email) == []


def declared() -> set[str]:
    return {r.collection for r in TOPOLOGY.user_references}


def repository_collections() -> set[str]:
    """The root collections every repository class says it keeps (its ``collections``)."""
    found: set[str] = set()
    for info in pkgutil.iter_modules(shared.repositories.__path__):
        module = importlib.import_module(f"shared.repositories.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                found.update(getattr(value, "collections", ()))
    return found


def many_offers(n: int) -> list[Any]:
    """``n`` open offers copied from the fixture offers under new ids."""
    copies = []
    for i in range(n):
        base = OFFERS[i % len(OFFERS)]
        offer = base.model_copy(update={"id": f"bulk-{i:06d}", "external_id": f"bulk-{i}"})
        copies.append(offer.model_copy(update={"content_hash": content_hash(offer)}))
    return copies


class TestDeclaredUserReferences:
    """Erasure and export read only the root collections the manifest declares as naming a
    user; these tests hold the declaration to what the real flows store."""

    def test_every_root_collection_that_names_the_user_is_declared_and_queried(
        self, world: AccountsWorld
    ) -> None:
        _, _, uid = populate(world)
        populate(world)
        data = world.container.make(UserData)

        scanned = {s.path for s in data.scan_elsewhere(uid)}
        found = {s.path for s in data.elsewhere(uid)}

        undeclared = {path.split("/")[0] for path in scanned} - declared()
        assert not undeclared, (
            f"root collections {sorted(undeclared)} store documents naming a user but are not in "
            "TOPOLOGY.user_references: declare how they name the user (id, field or path)"
        )
        assert {path.split("/")[0] for path in scanned} == declared()  # every kind is exercised
        assert found == scanned

    def test_every_root_collection_the_flows_write_is_classified(self, world: AccountsWorld) -> None:
        populate(world)
        store = world.container.store
        assert isinstance(store, SqliteDocumentStore)

        written = set(store.root_collections()) - {USERS}

        assert written - declared() - set(TOPOLOGY.no_user_data) == set()

    def test_every_repository_collection_is_classified_once(self) -> None:
        classified = declared() | set(TOPOLOGY.no_user_data)

        assert repository_collections() - classified == set()
        assert declared() & set(TOPOLOGY.no_user_data) == set()
        assert classified <= repository_collections()

    def test_an_erasure_reads_no_offer_however_many_are_stored(self, world: AccountsWorld) -> None:
        _, _, first = populate(world)
        _, _, second = populate(world)
        store = world.container.store
        assert isinstance(store, SqliteDocumentStore)
        rights = world.container.make(DataRights)
        before = store.reads
        rights.erase(first, follow_up=False)
        with_few = store.reads - before
        save(store, [], many_offers(2000))

        before = store.reads
        rights.erase(second, follow_up=False)
        with_many = store.reads - before

        assert with_many == with_few


def test_relative_collections() -> None:
    assert relative_collection("u", "users/u") == "root"
    assert relative_collection("u", "users/u/documents/d1") == "documents"
    assert relative_collection("u", "users/u/notebook/e1/scores/h") == "notebook/scores"
