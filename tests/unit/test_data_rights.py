"""Data rights on the local backend, through the API: GET /me/export holds everything stored
for the caller, DELETE /me erases it (documents, blobs, codes, identity), and neither reaches
another user. Completeness is judged against the store itself and the repositories' code,
never against a hand-written list of collections."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from shared.adapters.local.file_blobs import FileBlobStore
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.failures import FailureClass
from shared.messages import ExtractionTask, channel_of
from shared.repositories.user_data import relative_collection
from shared.services.data_rights import DataRights
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.operations import DeadLetterService
from shared.services.scoring import ScoringService
from shared.topology import TOPOLOGY
from tests.unit.accounts_world import AccountsWorld
from tests.unit.documents_world import make_pdf
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


def uid_of(world: AccountsWorld, token: str) -> str:
    uid: str = world.get("/me", token).get_json()["uid"]
    return uid


def populate(world: AccountsWorld) -> tuple[str, str, str]:
    """A verified user with inputs, an extracted CV, a profile, matches, a code and a dead
    letter: (email, token, uid)."""
    email, token = world.verified_user()
    uid = uid_of(world, token)
    inputs = {"target_roles": ["Backend Engineer"], "notes": "Small teams", "preferred_locations": ["Berlin"]}
    assert world.put("/me/profile-inputs", inputs, token).status_code == 200
    pdf = make_pdf("Senior Python engineer: PostgreSQL, Docker, Kubernetes, cloud systems, APIs and data")
    created = world.client.post(
        "/documents",
        json={"filename": "cv.pdf", "size": len(pdf), "content_type": "application/pdf"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.get_json()
    upload = created.get_json()["upload"]
    url = urlsplit(upload["url"])
    name = unquote(url.path.split("/", 3)[3])
    uploads = world.container.uploads
    assert isinstance(uploads, FileBlobStore)
    uploads.accept_signed_upload(name, dict(parse_qsl(url.query)), "application/pdf", pdf)
    world.deliver()  # confirm -> extract -> profile -> matching
    kept = world.container.make(NotebookService).save(uid, SaveRequest(offer_id=OFFERS[0].id, tags=["keep"]))
    world.container.make(ScoringService).request(uid, kept.entry.id)
    world.deliver()  # notebook -> scoring (scores, LLM usage)
    world.clock.advance(seconds=31)
    world.post("/auth/password:forgot", {"email": email})  # a live code
    letter = DeadLetter.for_task(
        queue=channel_of(ExtractionTask),
        task_name="t-1",
        payload=json.dumps({"uid": uid, "document_id": "gone"}),
        attempts=5,
        last_error="boom",
        failure_class=FailureClass.INTERNAL,
        at=world.clock.now(),
    )
    world.container.make(DeadLetterService).record(letter)
    matcher = next(s for s in TOPOLOGY.subscriptions if s.function == "match_offers")
    given_up = DeadLetter.for_message(  # a matching given up: the user's match_failures record
        topic=matcher.topic,
        subscription=matcher.name,
        message_id=f"m-{uid}",
        payload=json.dumps({"uid": uid, "version": 1, "kind": "profile_version_created"}),
        attributes={},
        attempts=matcher.max_delivery_attempts,
        last_error="boom",
        failure_class=FailureClass.INTERNAL,
        at=world.clock.now(),
    )
    world.container.make(DeadLetterService).record(given_up)
    return email, token, uid


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


def test_relative_collections() -> None:
    assert relative_collection("u", "users/u") == "root"
    assert relative_collection("u", "users/u/documents/d1") == "documents"
    assert relative_collection("u", "users/u/notebook/e1/scores/h") == "notebook/scores"
