"""POST /documents/{id}:retry and :unlock over HTTP on the local backend."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask
import pymupdf
import pytest
from flask.testing import FlaskClient

from shared.adapters.local.clock import ManualClock
from shared.api.documents import ROUTES
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.documents import Document, DocumentState
from shared.domain.failures import FailureClass, NextAction
from shared.edge.http import HttpApp
from shared.messages import ExtractionTask, ProfileTask, channel_of
from shared.services.extraction_task import DocumentExtraction
from shared.services.operations import DeadLetterService
from tests.unit.cv_texts import cv_text, pdf_path
from tests.unit.documents_world import OTHER, UID, World, make_pdf

EXTRACTION = channel_of(ExtractionTask)
PROFILES = channel_of(ProfileTask)
PASSWORD = "Tr0ub4dor&3-unlock-" + "x7q"  # built, so no scanner mistakes it for a real secret
KIT_CV = "fullstack-dev_john-doe_latex_2p"


@pytest.fixture
def world(tmp_path: Path, settings: Settings, clock: ManualClock) -> Iterator[World]:
    w = World(tmp_path, settings, clock, on_disk=True)
    yield w
    w.queue.close()
    w.store.close()


@pytest.fixture
def client(world: World) -> FlaskClient:
    http = HttpApp("api", ROUTES, container_factory=lambda: world.container)
    app = flask.Flask("documents-recovery-test")

    def view(path: str = "") -> flask.Response:
        return http(flask.request)

    app.add_url_rule("/<path:path>", "all", view, methods=["GET", "POST"])
    return app.test_client()


def auth(world: World, uid: str = UID) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.container.identity.mint(uid)}"}  # type: ignore[attr-defined]


def uploaded(world: World, data: bytes) -> Document:
    document = world.start(data)
    world.finalize(document, world.put(document, data))
    return document


def queued(world: World, channel: str) -> list[dict[str, Any]]:
    """Payloads waiting on ``channel`` (taken off the queue)."""
    got: list[dict[str, Any]] = []
    world.queue.register(channel, lambda d: got.append(d.data))
    world.queue.drain()
    return got


def dead_letter_extraction(world: World, document: Document) -> None:
    """The extraction task of ``document`` used up its attempts (its worker timed out)."""
    world.container.make(DeadLetterService).record(
        DeadLetter.for_task(
            queue=EXTRACTION,
            task_name=f"extract-{document.id}-dead",
            payload=f'{{"uid": "{document.uid}", "document_id": "{document.id}"}}',
            attempts=5,
            last_error="dispatch deadline exceeded",
            failure_class=FailureClass.TIMEOUT,
            at=world.clock.now(),
        )
    )


class TestRetry:
    def test_a_dead_lettered_document_is_queued_again_and_extracts(
        self, world: World, client: FlaskClient
    ) -> None:
        document = uploaded(world, make_pdf())
        queued(world, EXTRACTION)  # the first task was taken and lost
        dead_letter_extraction(world, document)

        response = client.post(f"/documents/{document.id}:retry", headers=auth(world))

        assert response.status_code == 202
        assert response.json["state"] == "UPLOADED"
        assert response.json["failure_class"] is None
        [payload] = queued(world, EXTRACTION)
        world.extraction.run(ExtractionTask.model_validate(payload))
        assert world.documents.get(UID, document.id).state == DocumentState.EXTRACTED

    def test_a_second_call_while_queued_queues_nothing_more(self, world: World, client: FlaskClient) -> None:
        document = uploaded(world, make_pdf())
        queued(world, EXTRACTION)
        dead_letter_extraction(world, document)

        first = client.post(f"/documents/{document.id}:retry", headers=auth(world))
        second = client.post(f"/documents/{document.id}:retry", headers=auth(world))

        assert (first.status_code, second.status_code) == (202, 202)
        assert len(queued(world, EXTRACTION)) == 1

    def test_a_pdf_failure_is_not_retryable(self, world: World, client: FlaskClient) -> None:
        document = uploaded(world, b"%PDF-1.7\n" + b"\x00" * 64)
        world.extract(document)

        response = client.post(f"/documents/{document.id}:retry", headers=auth(world))

        assert response.status_code == 409
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json["failure_class"] == "CONFLICT"
        stored = world.documents.get(UID, document.id)
        assert (stored.state, stored.next_action) == (DocumentState.FAILED, NextAction.UPLOAD_ANOTHER)

    def test_an_extracted_document_answers_409(self, world: World, client: FlaskClient) -> None:
        document = world.upload_and_extract(make_pdf())

        response = client.post(f"/documents/{document.id}:retry", headers=auth(world))

        assert response.status_code == 409

    def test_another_users_document_is_404(self, world: World, client: FlaskClient) -> None:
        document = uploaded(world, make_pdf())
        dead_letter_extraction(world, document)

        response = client.post(f"/documents/{document.id}:retry", headers=auth(world, OTHER))

        assert response.status_code == 404
        assert world.documents.get(UID, document.id).state == DocumentState.FAILED


def encrypted_cv(shared_data: Path) -> bytes:
    """A kit CV saved again with AES-256 and a user password (built at test time, never committed)."""
    with pymupdf.open(pdf_path(shared_data, KIT_CV)) as doc:
        data: bytes = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=PASSWORD, owner_pw=PASSWORD)
    return data


class TestUnlock:
    @pytest.fixture
    def locked(self, world: World, shared_data: Path) -> Document:
        document = uploaded(world, encrypted_cv(shared_data))
        world.extract(document)
        failed = world.documents.get(UID, document.id)
        assert (failed.state, failed.failure_class) == (DocumentState.FAILED, FailureClass.PDF_ENCRYPTED)
        assert failed.next_action == NextAction.UNLOCK
        return failed

    def test_the_right_password_extracts_and_queues_the_profile(
        self, world: World, client: FlaskClient, locked: Document, shared_data: Path
    ) -> None:
        response = client.post(
            f"/documents/{locked.id}:unlock", json={"password": PASSWORD}, headers=auth(world)
        )

        assert response.status_code == 200
        assert response.json["state"] == "EXTRACTED"
        assert response.json["pages"] == 2
        _, text = world.documents.text(UID, locked.id)
        assert text == cv_text(shared_data, KIT_CV)  # the same text as the unencrypted file's
        assert [p["document_id"] for p in queued(world, PROFILES)] == [locked.id]

    def test_a_wrong_password_is_422_and_changes_nothing(
        self, world: World, client: FlaskClient, locked: Document
    ) -> None:
        response = client.post(
            f"/documents/{locked.id}:unlock", json={"password": "not-it"}, headers=auth(world)
        )

        assert response.status_code == 422
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json["failure_class"] == "PDF_ENCRYPTED"
        assert world.documents.get(UID, locked.id) == locked

    def test_a_document_that_is_not_encrypted_answers_409(self, world: World, client: FlaskClient) -> None:
        document = world.upload_and_extract(make_pdf())

        response = client.post(
            f"/documents/{document.id}:unlock", json={"password": PASSWORD}, headers=auth(world)
        )

        assert response.status_code == 409

    def test_the_password_is_never_stored_queued_or_logged(
        self,
        world: World,
        client: FlaskClient,
        locked: Document,
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        for password in ("wrong-" + PASSWORD, PASSWORD):
            client.post(f"/documents/{locked.id}:unlock", json={"password": password}, headers=auth(world))
        world.queue.close()
        world.store.close()

        needle = PASSWORD.encode()
        files = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert any(p.name.startswith("store.sqlite3") for p in files)
        assert any(p.name.startswith("queue.sqlite3") for p in files)
        assert [p for p in files if needle in p.read_bytes()] == []
        assert PASSWORD not in caplog.text

    def test_an_unlocked_document_is_not_extracted_again_by_a_late_task(
        self, world: World, client: FlaskClient, locked: Document
    ) -> None:
        client.post(f"/documents/{locked.id}:unlock", json={"password": PASSWORD}, headers=auth(world))

        world.container.make(DocumentExtraction).run(ExtractionTask(uid=UID, document_id=locked.id))

        assert world.documents.get(UID, locked.id).state == DocumentState.EXTRACTED
