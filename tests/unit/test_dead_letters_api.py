"""The operators' dead-letter routes over HTTP, with dev tokens, on the local backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.api.operations import ROUTES
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.failures import FailureClass
from shared.edge.http import HttpApp
from shared.messages import CrawlTask, channel_of
from shared.ports import Role
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY

CRAWLS = channel_of(CrawlTask)

SECRET = "ops-test-secret-0123456789abcdef"


@pytest.fixture
def identity() -> DevTokenIdentity:
    return DevTokenIdentity(SECRET, environment="test")


@pytest.fixture
def container(settings: Settings, identity: DevTokenIdentity, clock: ManualClock) -> Iterator[Container]:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock)
    container = Container(settings, identity=identity, clock=clock, store=store, delivery=queue)
    yield container
    container.close()


@pytest.fixture
def client(container: Container) -> FlaskClient:
    http = HttpApp("ops", ROUTES, container_factory=lambda: container)
    app = flask.Flask("ops-test")

    def view(path: str = "") -> flask.Response:
        return http(flask.request)

    app.add_url_rule("/<path:path>", "all", view, methods=["GET", "POST"])
    return app.test_client()


@pytest.fixture
def operator(identity: DevTokenIdentity) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.mint('op-1', role=Role.OPERATOR)}"}


def record(container: Container, clock: ManualClock, name: str, failure: FailureClass) -> DeadLetter:
    dl = DeadLetter.for_task(
        queue=CRAWLS,
        task_name=name,
        payload=json.dumps({"source_id": name}),
        attempts=4,
        last_error="board answered 503",
        failure_class=failure,
        at=clock.now(),
    )
    container.make(DeadLetterService).record(dl)
    clock.advance(seconds=1)
    return dl


def problem(response: Any, status: int, failure_class: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json(force=True)["failure_class"] == failure_class


class TestAccess:
    def test_needs_a_token(self, client: FlaskClient) -> None:
        problem(client.get("/dead-letters"), 401, "UNAUTHENTICATED")

    def test_needs_the_operator_role(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        user = {"Authorization": f"Bearer {identity.mint('u1')}"}

        problem(client.get("/dead-letters", headers=user), 403, "FORBIDDEN")
        problem(client.post("/dead-letters:replay", json={}, headers=user), 403, "FORBIDDEN")
        problem(
            client.post("/dead-letters/x:discard", json={"reason": "obsolete"}, headers=user),
            403,
            "FORBIDDEN",
        )


class TestListAndGet:
    def test_lists_newest_first_with_filters_and_a_cursor(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        for n in range(3):
            record(container, clock, f"t{n}", FailureClass.SOURCE_UNAVAILABLE)
        record(container, clock, "parse", FailureClass.SOURCE_PARSE_ERROR)

        first = client.get(
            "/dead-letters?status=dead&failure_class=SOURCE_UNAVAILABLE&origin=crawls&limit=2",
            headers=operator,
        ).get_json()
        second = client.get(
            f"/dead-letters?failure_class=SOURCE_UNAVAILABLE&limit=2&cursor={first['next_cursor']}",
            headers=operator,
        ).get_json()

        assert [d["message_id"] for d in first["items"]] == ["t2", "t1"]
        assert [d["message_id"] for d in second["items"]] == ["t0"]
        assert second["next_cursor"] is None

    def test_gets_one_letter_with_its_payload_and_error(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        dl = record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)

        body = client.get(f"/dead-letters/{dl.id}", headers=operator).get_json()

        assert (body["id"], body["payload"], body["attempts"]) == (dl.id, dl.payload, 4)
        assert (body["last_error"], body["failure_class"], body["status"]) == (
            "board answered 503",
            "SOURCE_UNAVAILABLE",
            "dead",
        )

    def test_unknown_letter_is_404(self, client: FlaskClient, operator: dict[str, str]) -> None:
        problem(client.get("/dead-letters/nope", headers=operator), 404, "NOT_FOUND")

    @pytest.mark.parametrize("query", ["failure_class=NOPE", "limit=0", "status=lost", "colour=red"])
    def test_bad_filters_are_422(self, client: FlaskClient, operator: dict[str, str], query: str) -> None:
        problem(client.get(f"/dead-letters?{query}", headers=operator), 422, "INVALID_INPUT")


class TestReplay:
    def test_replays_one_letter_once(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        dl = record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)

        first = client.post(f"/dead-letters/{dl.id}:replay", headers=operator)
        second = client.post(f"/dead-letters/{dl.id}:replay", headers=operator)

        assert first.status_code == second.status_code == 200
        assert first.get_json()["status"] == "replayed"
        assert second.get_json() == first.get_json()
        assert container.delivery.pending(CRAWLS) == 1

    def test_bulk_replay_by_failure_class(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)
        record(container, clock, "t2", FailureClass.SOURCE_UNAVAILABLE)
        record(container, clock, "t3", FailureClass.SOURCE_PARSE_ERROR)

        chosen = client.post(
            "/dead-letters:replay", json={"failure_class": "SOURCE_UNAVAILABLE"}, headers=operator
        )
        rest = client.post("/dead-letters:replay", json={}, headers=operator)

        assert (chosen.get_json(), rest.get_json()) == ({"replayed": 2}, {"replayed": 1})
        assert container.delivery.pending(CRAWLS) == 3

    def test_openapi_documents_the_routes(self, client: FlaskClient) -> None:
        paths = client.get("/openapi.json").get_json()["paths"]

        assert {
            "/dead-letters",
            "/dead-letters:replay",
            "/dead-letters/{dead_letter_id}:replay",
            "/dead-letters:discard",
            "/dead-letters/{dead_letter_id}:discard",
        } <= paths.keys()
        discard = paths["/dead-letters/{dead_letter_id}:discard"]["post"]
        assert {"200", "401", "403", "404", "409", "422"} <= discard["responses"].keys()
        assert "requestBody" in discard


class TestDiscard:
    def test_discards_with_the_operator_and_reason_and_leaves_the_dead_list(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        dl = record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)

        answer = client.post(
            f"/dead-letters/{dl.id}:discard", json={"reason": "board closed"}, headers=operator
        )

        body = answer.get_json()
        assert answer.status_code == 200
        assert (body["status"], body["discarded_by"], body["discard_reason"]) == (
            "discarded",
            "op-1",
            "board closed",
        )
        assert body["discarded_at"] is not None
        assert client.get("/dead-letters?status=dead", headers=operator).get_json()["items"] == []
        listed = client.get("/dead-letters?status=discarded", headers=operator).get_json()["items"]
        assert [d["id"] for d in listed] == [dl.id]

    @pytest.mark.parametrize(
        "body", [{}, {"reason": ""}, {"reason": "x" * 501}, {"reason": "ok", "extra": 1}]
    )
    def test_a_reason_is_required(
        self,
        client: FlaskClient,
        container: Container,
        clock: ManualClock,
        operator: dict[str, str],
        body: dict[str, Any],
    ) -> None:
        dl = record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)

        problem(
            client.post(f"/dead-letters/{dl.id}:discard", json=body, headers=operator), 422, "INVALID_INPUT"
        )
        assert container.make(DeadLetterService).get(dl.id).status == "dead"

    def test_unknown_is_404_and_replayed_is_409(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        dl = record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)
        client.post(f"/dead-letters/{dl.id}:replay", headers=operator)

        problem(
            client.post("/dead-letters/nope:discard", json={"reason": "gone"}, headers=operator),
            404,
            "NOT_FOUND",
        )
        problem(
            client.post(f"/dead-letters/{dl.id}:discard", json={"reason": "gone"}, headers=operator),
            409,
            "CONFLICT",
        )

    def test_replaying_a_discarded_letter_is_409(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        dl = record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)
        client.post(f"/dead-letters/{dl.id}:discard", json={"reason": "obsolete"}, headers=operator)

        problem(client.post(f"/dead-letters/{dl.id}:replay", headers=operator), 409, "CONFLICT")
        assert container.delivery.pending(CRAWLS) == 0

    def test_bulk_discard_of_selected_letters(
        self, client: FlaskClient, container: Container, clock: ManualClock, operator: dict[str, str]
    ) -> None:
        a = record(container, clock, "t1", FailureClass.SOURCE_UNAVAILABLE)
        b = record(container, clock, "t2", FailureClass.SOURCE_UNAVAILABLE)
        kept = record(container, clock, "t3", FailureClass.SOURCE_UNAVAILABLE)

        answer = client.post(
            "/dead-letters:discard",
            json={"ids": [a.id, b.id, "nope"], "reason": "obsolete"},
            headers=operator,
        ).get_json()

        assert sorted(d["id"] for d in answer["discarded"]) == sorted([a.id, b.id])
        assert [s["id"] for s in answer["skipped"]] == ["nope"]
        dead = client.get("/dead-letters?status=dead", headers=operator).get_json()["items"]
        assert [d["id"] for d in dead] == [kept.id]

    def test_bulk_discard_needs_a_selection(self, client: FlaskClient, operator: dict[str, str]) -> None:
        problem(
            client.post("/dead-letters:discard", json={"ids": [], "reason": "obsolete"}, headers=operator),
            422,
            "INVALID_INPUT",
        )
