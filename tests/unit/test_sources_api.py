"""Operator routes of job sources and runs, and the scrapers' completion callback, over HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient
from pydantic import SecretStr

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.api.sources import ROUTES, SIGNATURE_HEADER
from shared.bootstrap import Container
from shared.config import Settings
from shared.messages import CrawlTask, channel_of
from shared.ports import Query, Role
from shared.repositories.offers import OFFERS
from shared.topology import TOPOLOGY

CRAWLS = channel_of(CrawlTask)

SECRET = "sources-test-secret-0123456789abcdef"
HMAC_KEY = "callback-key-for-tests"


@pytest.fixture
def identity() -> DevTokenIdentity:
    return DevTokenIdentity(SECRET, environment="test")


@pytest.fixture
def container(settings: Settings, identity: DevTokenIdentity, clock: ManualClock) -> Iterator[Container]:
    settings = settings.model_copy(update={"callback_hmac_key": SecretStr(HMAC_KEY)})
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock)
    c = Container(settings, identity=identity, clock=clock, store=store, delivery=queue)
    yield c
    c.close()


@pytest.fixture
def client(container: Container) -> FlaskClient:
    from shared.edge.http import HttpApp

    http = HttpApp("ops", ROUTES, container_factory=lambda: container)
    app = flask.Flask("sources-test")
    app.add_url_rule("/<path:path>", "all", lambda path="": http(flask.request), methods=["GET", "POST"])
    return app.test_client()


@pytest.fixture
def operator(identity: DevTokenIdentity) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.mint('op-1', role=Role.OPERATOR)}"}


@pytest.fixture
def user(identity: DevTokenIdentity) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.mint('u-1')}"}


def problem(response: Any, status: int, failure_class: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json(force=True)["failure_class"] == failure_class


def add_source(client: FlaskClient, operator: dict[str, str], **fields: Any) -> dict[str, Any]:
    spec = {"kind": "external", "board": "acme-careers", **fields}
    response = client.post("/job-sources", json=spec, headers=operator)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return dict(response.get_json())


def signed(payload: dict[str, Any], key: str = HMAC_KEY) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(key.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}


def callback(callback_id: str = "cb-1", **extra: Any) -> dict[str, Any]:
    offers = [
        {
            "external_id": f"job-{i}",
            "title": f"Data Engineer {i} (m/w/d)",
            "url": f"https://careers.acme.example/jobs/{i}",
            "company": "Acme GmbH",
            "locations": ["Berlin, Germany"],
            "description_html": "<p>Build <b>pipelines</b> &amp; models.</p><ul><li>Python</li></ul>",
            "salary_text": "€60.000 - €70.000 per year",
        }
        for i in (1, 2)
    ]
    return {"callback_id": callback_id, "offers": offers, **extra}


def open_run(client: FlaskClient, operator: dict[str, str], source_id: str) -> str:
    response = client.post(f"/job-sources/{source_id}/runs", headers=operator)
    assert response.status_code == 202, response.get_data(as_text=True)
    return str(response.get_json()["id"])


class TestOperatorRoutesRefuseUsers:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/job-sources"),
            ("POST", "/job-sources"),
            ("POST", "/job-sources/external-acme/runs"),
            ("GET", "/job-sources/runs"),
            ("GET", "/job-sources/runs/run-1"),
        ],
    )
    def test_a_user_token_is_forbidden(
        self, client: FlaskClient, user: dict[str, str], method: str, path: str
    ) -> None:
        problem(client.open(path, method=method, json={}, headers=user), 403, "FORBIDDEN")

    def test_no_token_is_unauthenticated(self, client: FlaskClient) -> None:
        problem(client.get("/job-sources"), 401, "UNAUTHENTICATED")


class TestSources:
    def test_creates_then_updates_a_source(self, client: FlaskClient, operator: dict[str, str]) -> None:
        spec = {
            "kind": "greenhouse",
            "board": "acme",
            "terms": {"user_agent": "acme-bot/1", "attribution": "via Acme"},
        }

        created = client.post("/job-sources", json=spec, headers=operator)
        updated = client.post("/job-sources", json={**spec, "enabled": False}, headers=operator)

        assert (created.status_code, updated.status_code) == (201, 200)
        assert created.get_json()["id"] == "greenhouse-acme"
        assert updated.get_json()["enabled"] is False
        assert updated.get_json()["terms"]["user_agent"] == "acme-bot/1"

    def test_lists_sources(self, client: FlaskClient, operator: dict[str, str]) -> None:
        for board in ("b", "a", "c"):
            add_source(client, operator, kind="lever", board=board)

        listed = client.get("/job-sources?limit=2", headers=operator).get_json()
        rest = client.get(f"/job-sources?limit=2&cursor={listed['next_cursor']}", headers=operator).get_json()

        assert [s["id"] for s in listed["items"] + rest["items"]] == ["lever-a", "lever-b", "lever-c"]
        assert rest["next_cursor"] is None

    def test_an_unknown_kind_is_invalid(self, client: FlaskClient, operator: dict[str, str]) -> None:
        problem(
            client.post("/job-sources", json={"kind": "monster", "board": "x"}, headers=operator),
            422,
            "INVALID_INPUT",
        )


class TestRequestRun:
    def test_a_crawl_request_opens_a_pending_run_and_queues_one_task(
        self, client: FlaskClient, operator: dict[str, str], container: Container
    ) -> None:
        source = add_source(client, operator, kind="greenhouse", board="acme")

        response = client.post(f"/job-sources/{source['id']}/runs", headers=operator)

        assert response.status_code == 202
        assert response.get_json()["status"] == "PENDING"
        assert container.delivery.pending(CRAWLS) == 1

    def test_a_second_request_answers_the_active_run(
        self, client: FlaskClient, operator: dict[str, str], container: Container
    ) -> None:
        source = add_source(client, operator, kind="greenhouse", board="acme")
        first = client.post(f"/job-sources/{source['id']}/runs", headers=operator)

        second = client.post(f"/job-sources/{source['id']}/runs", headers=operator)

        assert second.status_code == 200
        assert second.get_json()["id"] == first.get_json()["id"]
        assert container.delivery.pending(CRAWLS) == 1

    def test_an_unknown_source_is_404(self, client: FlaskClient, operator: dict[str, str]) -> None:
        problem(client.post("/job-sources/nobody/runs", headers=operator), 404, "NOT_FOUND")


class TestListRuns:
    def test_filters_by_source_and_status_newest_first_with_cursor(
        self, client: FlaskClient, operator: dict[str, str], clock: ManualClock
    ) -> None:
        a = add_source(client, operator, board="a")["id"]
        b = add_source(client, operator, board="b")["id"]
        made = []
        for _ in range(3):
            for source_id in (a, b):
                run_id = open_run(client, operator, source_id)
                raw, headers = signed({"callback_id": f"cb-{run_id}", "offers": []})
                client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers)
                made.append((source_id, run_id))
                clock.advance(minutes=1)
        expected = [rid for sid, rid in reversed(made) if sid == a]

        page1 = client.get(
            f"/job-sources/runs?source_id={a}&status=COMPLETED&limit=2", headers=operator
        ).get_json()
        page2 = client.get(
            f"/job-sources/runs?source_id={a}&status=COMPLETED&limit=2&cursor={page1['next_cursor']}",
            headers=operator,
        ).get_json()

        assert [r["id"] for r in page1["items"] + page2["items"]] == expected
        assert page2["next_cursor"] is None

    def test_lists_by_status_alone(self, client: FlaskClient, operator: dict[str, str]) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])

        listed = client.get("/job-sources/runs?status=PENDING", headers=operator).get_json()

        assert [r["id"] for r in listed["items"]] == [run_id]

    def test_an_unknown_run_is_404(self, client: FlaskClient, operator: dict[str, str]) -> None:
        problem(client.get("/job-sources/runs/run-nope", headers=operator), 404, "NOT_FOUND")

    def test_a_bad_status_filter_is_invalid(self, client: FlaskClient, operator: dict[str, str]) -> None:
        problem(client.get("/job-sources/runs?status=DONE", headers=operator), 422, "INVALID_INPUT")


class TestCompletionCallback:
    def test_a_signed_callback_completes_the_run_and_upserts_its_offers(
        self, client: FlaskClient, operator: dict[str, str], container: Container
    ) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])
        raw, headers = signed(callback())

        response = client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers)

        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["status"] == "COMPLETED"
        assert response.get_json()["stats"]["new"] == 2
        offers = [s.data for s in container.store.query(Query(OFFERS))]
        assert {o["title"] for o in offers} == {"Data Engineer 1 (m/w/d)", "Data Engineer 2 (m/w/d)"}
        assert all(o["description_text"] == "Build pipelines & models.\n\n• Python" for o in offers)
        assert all(o["salary"]["annual_min"] == 60000 for o in offers)
        assert container.delivery.pending("offer-events-match") == 1

    def test_the_same_callback_again_answers_the_same_run_and_writes_nothing(
        self, client: FlaskClient, operator: dict[str, str], container: Container
    ) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])
        raw, headers = signed(callback())
        first = client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers)
        writes = container.store.writes

        replay = client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers)

        assert replay.status_code == 200
        assert replay.get_json() == first.get_json()
        assert container.store.writes == writes

    def test_a_different_payload_after_the_run_finished_is_409(
        self, client: FlaskClient, operator: dict[str, str]
    ) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])
        raw, headers = signed(callback())
        client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers)

        for changed in (callback(complete=False), callback("cb-2")):
            raw2, headers2 = signed(changed)
            problem(
                client.post(f"/job-sources/runs/{run_id}/complete", data=raw2, headers=headers2),
                409,
                "CONFLICT",
            )

    def test_a_failed_report_fails_the_run_with_its_class(
        self, client: FlaskClient, operator: dict[str, str]
    ) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])
        raw, headers = signed(
            {
                "callback_id": "cb-f",
                "status": "failed",
                "failure_class": "SOURCE_RATE_LIMITED",
                "error": "blocked after page 3",
            }
        )

        response = client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers)

        assert response.get_json()["status"] == "FAILED"
        assert response.get_json()["failure_class"] == "SOURCE_RATE_LIMITED"

    def test_an_operator_token_may_complete_a_run(
        self, client: FlaskClient, operator: dict[str, str]
    ) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])

        response = client.post(f"/job-sources/runs/{run_id}/complete", json=callback(), headers=operator)

        assert response.status_code == 200

    def test_a_wrong_signature_is_401(self, client: FlaskClient, operator: dict[str, str]) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])
        raw, headers = signed(callback(), key="not-the-key")

        problem(
            client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers),
            401,
            "UNAUTHENTICATED",
        )

    def test_no_credentials_is_401_and_a_user_token_403(
        self, client: FlaskClient, operator: dict[str, str], user: dict[str, str]
    ) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])
        path = f"/job-sources/runs/{run_id}/complete"

        problem(client.post(path, json=callback()), 401, "UNAUTHENTICATED")
        problem(client.post(path, json=callback(), headers=user), 403, "FORBIDDEN")

    def test_a_callback_for_an_unknown_run_is_404(self, client: FlaskClient) -> None:
        raw, headers = signed(callback())

        problem(
            client.post("/job-sources/runs/run-nope/complete", data=raw, headers=headers), 404, "NOT_FOUND"
        )

    def test_an_invalid_offer_is_422_and_changes_nothing(
        self, client: FlaskClient, operator: dict[str, str], container: Container
    ) -> None:
        run_id = open_run(client, operator, add_source(client, operator)["id"])
        bad = callback()
        bad["offers"][0]["url"] = "javascript:alert(1)"
        raw, headers = signed(bad)
        writes = container.store.writes

        problem(
            client.post(f"/job-sources/runs/{run_id}/complete", data=raw, headers=headers),
            422,
            "INVALID_INPUT",
        )
        assert container.store.writes == writes
