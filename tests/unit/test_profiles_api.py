"""The career profile routes over HTTP (HttpApp, dev tokens), and the profile task function."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient

from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.api.profiles import ROUTES
from shared.config import Settings
from shared.domain.errors import NotFound
from shared.domain.profiles import CareerProfile
from shared.edge.http import HttpApp
from shared.localstack.function_feed import create_function_app, register_functions
from shared.messages import ProfileTask, channel_of
from shared.repositories.career_profiles import CareerProfiles
from shared.topology import TOPOLOGY
from tests.unit.cv_texts import pdf_path
from tests.unit.documents_world import OTHER, UID, World, world
from tests.unit.profiles_world import profile_service, upload_cv

__all__ = ["world"]  # the fixture, imported for pytest

FULLSTACK = "fullstack-dev_john-doe_latex_2p"
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


@pytest.fixture
def client(world: World) -> FlaskClient:
    http = HttpApp("api", ROUTES, container_factory=lambda: world.container)
    app = flask.Flask("profiles-test")

    def view(path: str = "") -> flask.Response:
        return http(flask.request)

    app.add_url_rule("/<path:path>", "all", view, methods=["GET", "POST"])
    return app.test_client()


def auth(world: World, uid: str = UID) -> dict[str, str]:
    """A dev token for ``uid``."""
    return {"Authorization": f"Bearer {world.container.identity.mint(uid)}"}  # type: ignore[attr-defined]


@pytest.fixture
def installed(world: World) -> Iterator[World]:
    """The world as the process container (what the task function uses)."""
    bootstrap.install(world.container)
    yield world
    bootstrap.install(None)


def run_profile_task(payload: dict[str, Any]) -> Any:
    """Deliver one profiles task to the function's own app, as Cloud Tasks does."""
    app = create_function_app(FUNCTIONS, TOPOLOGY.function("generate_profile"), "http")
    headers = {
        "X-CloudTasks-TaskName": "t-1",
        "X-CloudTasks-QueueName": channel_of(ProfileTask),
        "X-CloudTasks-TaskRetryCount": "0",
    }
    return app.test_client().post("/", json=payload, headers=headers)


class TestGenerateOverHttp:
    def test_queues_a_generation_then_answers_from_the_cache(
        self, installed: World, shared_data: Path, client: FlaskClient
    ) -> None:
        document = upload_cv(installed, shared_data, FULLSTACK)

        queued = client.post("/career-profiles:generate", json={}, headers=auth(installed))
        task = run_profile_task({"uid": UID, "document_id": document.id})
        cached = client.post("/career-profiles:generate", json={}, headers=auth(installed))

        assert (queued.status_code, queued.get_json()["status"]) == (202, "queued")
        assert (task.status_code, task.get_json()["version"], task.get_json()["created"]) == (200, 1, True)
        assert cached.status_code == 200
        assert CareerProfile.model_validate(cached.get_json()).version == 1

    def test_task_for_an_unreadable_cv_is_acknowledged_with_its_class(
        self, installed: World, shared_data: Path
    ) -> None:
        document = upload_cv(installed, shared_data, "teacher_ncsu-style_ENCRYPTED-pw-key_3p")

        response = run_profile_task({"uid": UID, "document_id": document.id})

        assert (response.status_code, response.get_json()["failure_class"]) == (200, "PDF_ENCRYPTED")
        with pytest.raises(NotFound):
            CareerProfiles(installed.store).get(UID, 1)

    def test_malformed_task_payload_is_acknowledged_as_invalid(self, installed: World) -> None:
        response = run_profile_task({"uid": UID})

        assert (response.status_code, response.get_json()["failure_class"]) == (200, "INVALID_INPUT")

    def test_an_unreadable_cv_is_a_409_problem_with_its_failure_class(
        self, world: World, shared_data: Path, client: FlaskClient
    ) -> None:
        document = upload_cv(world, shared_data, "edge_scanned-image-only_no-text-layer_epson")

        response = client.post(
            "/career-profiles:generate", json={"document_id": document.id}, headers=auth(world)
        )

        assert response.status_code == 409
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["failure_class"] == "PDF_NO_TEXT"

    def test_requires_a_token(self, client: FlaskClient) -> None:
        assert client.post("/career-profiles:generate", json={}).status_code == 401


class TestHistoryOverHttp:
    @pytest.fixture
    def first(self, world: World, shared_data: Path) -> CareerProfile:
        document = upload_cv(world, shared_data, FULLSTACK)
        return profile_service(world).generate(UID, document.id).profile

    def test_refine_makes_version_two_once(
        self, world: World, client: FlaskClient, first: CareerProfile
    ) -> None:
        body = {"add_skills": ["Rust"], "remove_skills": ["Docker"], "feedback": "Docker was a course only."}

        made = client.post("/career-profiles/1:refine", json=body, headers=auth(world))
        again = client.post("/career-profiles/1:refine", json=body, headers=auth(world))

        assert (made.status_code, made.get_json()["version"]) == (201, 2)
        assert (again.status_code, again.get_json()["version"]) == (200, 2)
        assert made.get_json()["provenance"]["parent_version"] == 1

    def test_history_lists_versions_newest_first_with_pagination(
        self, world: World, client: FlaskClient, first: CareerProfile
    ) -> None:
        client.post("/career-profiles/1:refine", json={"remove_skills": ["Docker"]}, headers=auth(world))

        page1 = client.get("/career-profiles?limit=1", headers=auth(world)).get_json()
        page2 = client.get(
            f"/career-profiles?limit=1&cursor={page1['next_cursor']}", headers=auth(world)
        ).get_json()

        assert [i["version"] for i in page1["items"]] == [2]
        assert [i["version"] for i in page2["items"]] == [1]
        assert page2["next_cursor"] is None

    def test_get_one_version_and_the_latest(
        self, world: World, client: FlaskClient, first: CareerProfile
    ) -> None:
        client.post("/career-profiles/1:refine", json={"seniority": "lead"}, headers=auth(world))

        one = client.get("/career-profiles/1", headers=auth(world)).get_json()
        latest = client.get("/career-profiles/latest", headers=auth(world)).get_json()

        assert (one["version"], latest["version"], latest["seniority"]) == (1, 2, "lead")

    def test_diff_between_two_versions(self, world: World, client: FlaskClient, first: CareerProfile) -> None:
        body = {"add_skills": ["Rust"], "fix_titles": [{"index": 0, "title": "Lead Developer"}]}
        client.post("/career-profiles/1:refine", json=body, headers=auth(world))

        diff = client.get("/career-profiles:diff?from=1&to=2", headers=auth(world)).get_json()

        assert (diff["from_version"], diff["to_version"], diff["skills_added"]) == (1, 2, ["Rust"])
        assert diff["changed"]["work_history"]["to"][0]["title"] == "Lead Developer"

    def test_another_users_version_is_404(
        self, world: World, client: FlaskClient, first: CareerProfile
    ) -> None:
        response = client.get("/career-profiles/1", headers=auth(world, OTHER))

        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("POST", "/career-profiles/1:refine", {"add_skills": ["Go"], "unknown": 1}),
            ("POST", "/career-profiles/1:refine", {}),
            ("GET", "/career-profiles:diff?from=1", None),
        ],
    )
    def test_bad_requests_are_422_problems(
        self, world: World, client: FlaskClient, first: CareerProfile, method: str, path: str, body: Any
    ) -> None:
        response = client.open(path, method=method, json=body, headers=auth(world))

        assert (response.status_code, response.mimetype) == (422, "application/problem+json")

    @pytest.mark.parametrize("version", ["abc", "%C2%B9", "0", "1" * 5000])
    def test_a_version_no_profile_can_have_is_a_404_problem(
        self, world: World, client: FlaskClient, first: CareerProfile, version: str
    ) -> None:
        # "¹" (%C2%B9) passes str.isdigit() but not int(): it was a 500.
        response = client.get(f"/career-profiles/{version}", headers=auth(world))

        assert (response.status_code, response.mimetype) == (404, "application/problem+json")
        assert response.get_json()["failure_class"] == "NOT_FOUND"


class TestEventChain:
    @pytest.fixture
    def chained(self, tmp_path: Path, settings: Settings, clock: ManualClock) -> Iterator[World]:
        """Uploads announce finalize; every function of the manifest is fed by the local queue."""
        w = World(tmp_path, settings, clock, notify=True)
        bootstrap.install(w.container)
        register_functions(w.queue, TOPOLOGY, FUNCTIONS, project="demo-career")
        yield w
        bootstrap.install(None)
        w.queue.close()
        w.store.close()

    def test_an_uploaded_cv_gets_a_profile_through_the_queues(
        self, chained: World, shared_data: Path
    ) -> None:
        data = pdf_path(shared_data, FULLSTACK).read_bytes()
        document = chained.start(data)
        chained.put(document, data)

        chained.queue.drain()

        latest = profile_service(chained).latest(UID)
        assert latest.provenance.source_document_ids == [document.id]
        assert {"Java", "Spring Boot"} <= set(latest.skill_names)

    def test_an_encrypted_cv_never_gets_a_profile(self, chained: World, shared_data: Path) -> None:
        data = pdf_path(shared_data, "teacher_ncsu-style_ENCRYPTED-pw-key_3p").read_bytes()
        document = chained.start(data)
        chained.put(document, data)

        chained.queue.drain()

        with pytest.raises(NotFound):
            CareerProfiles(chained.store).get(UID, 1)
        assert chained.documents.get(UID, document.id).failure_class == "PDF_ENCRYPTED"
