"""The notebook routes over HTTP (HttpApp, dev tokens) on the local backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from shared.adapters.http_fetcher import HttpxFetcher
from shared.adapters.local.clock import ManualClock
from shared.config import Settings
from tests.support.job_board_server import JobBoardServer, Reply, running
from tests.unit.notebook_world import OFFERS, OTHER, NotebookWorld, world

__all__ = ["world"]  # the fixture, imported for pytest

PASTED = {
    "title": "Platform Engineer",
    "company": "Globex",
    "url": "https://careers.globex.example/jobs/42",
    "description": "We run Python and Kubernetes services. Remote within the EU.",
}
GREENHOUSE = "job-sources/greenhouse/anthropic_board-jobs_content-true_4jobs.json"


class TestSave:
    def test_saving_an_offer_twice_makes_one_entry(self, world: NotebookWorld) -> None:
        first = world.save(offer_id=OFFERS[0].id)
        second = world.save(offer_id=OFFERS[0].id)

        assert (first.status_code, second.status_code) == (201, 200)
        assert first.get_json()["id"] == second.get_json()["id"]
        snapshot = first.get_json()["snapshot"]
        assert (snapshot["title"], snapshot["company"], snapshot["content_hash"]) == (
            "Senior Backend Engineer",
            "Acme",
            OFFERS[0].content_hash,
        )
        assert first.get_json()["history"][0]["to_status"] == "saved"

    def test_an_unknown_offer_is_not_found(self, world: NotebookWorld) -> None:
        response = world.save(offer_id="lever-doesnotexist")

        assert response.status_code == 404
        assert response.content_type == "application/problem+json"

    def test_the_snapshot_survives_its_offer_closing_and_vanishing(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[1].id).get_json()["id"]
        world.put_offer(OFFERS[1], closed=True)
        world.store.delete(f"job_offers/{OFFERS[1].id}")

        entry = world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json()

        assert entry["snapshot"]["title"] == "Backend Developer"
        assert entry["snapshot"]["url"] == OFFERS[1].url
        assert "PostgreSQL" in entry["snapshot"]["description_text"]

    def test_a_pasted_posting_is_kept_once_per_url(self, world: NotebookWorld) -> None:
        first = world.save(posting=PASTED, tags=[" Dream Job "], notes="**call** Ana")
        again = world.save(posting={**PASTED, "url": PASTED["url"] + "/#apply"})

        assert (first.status_code, again.status_code) == (201, 200)
        body = first.get_json()
        assert (body["source"], body["offer_id"], body["tags"], body["notes"]) == (
            "pasted",
            None,
            ["dream job"],
            "**call** Ana",
        )
        assert again.get_json()["id"] == body["id"]

    def test_exactly_one_origin_is_required(self, world: NotebookWorld) -> None:
        both = world.save(offer_id=OFFERS[0].id, posting=PASTED)
        none = world.save()

        assert (both.status_code, none.status_code) == (422, 422)

    def test_too_many_tags_are_refused_and_nothing_is_kept(self, world: NotebookWorld) -> None:
        response = world.save(offer_id=OFFERS[0].id, tags=[f"t{i}" for i in range(21)])

        assert response.status_code == 422
        assert world.client.get("/notebook", headers=world.auth()).get_json()["entries"] == []


@pytest.fixture
def board() -> Iterator[JobBoardServer]:
    with running() as server:
        yield server


@pytest.fixture
def url_world(
    tmp_path: Path, settings: Settings, clock: ManualClock, board: JobBoardServer
) -> Iterator[NotebookWorld]:
    configured = Settings(**{**settings.model_dump(), "posting_api_base_url": board.base_url})
    w = NotebookWorld(tmp_path, configured, clock)
    fetcher = HttpxFetcher(timeout_s=2, max_attempts=1)
    w.container.__dict__["fetcher"] = fetcher
    yield w
    fetcher.close()
    w.close()


class TestImportByUrl:
    def test_a_board_url_is_read_through_its_source_adapter(
        self, url_world: NotebookWorld, board: JobBoardServer, shared_data: Path
    ) -> None:
        board.script("/v1/boards/anthropic/jobs", Reply(body=(shared_data / GREENHOUSE).read_bytes()))

        response = url_world.save(url="https://job-boards.greenhouse.io/anthropic/jobs/5101378008")
        again = url_world.save(url="https://job-boards.greenhouse.io/anthropic/jobs/5101378008")

        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert (body["source"], body["snapshot"]["title"]) == ("url", "Account Executive, Public Sector")
        assert body["offer_id"].startswith("greenhouse-")
        assert again.status_code == 200
        assert len(board.hits("/v1/boards/anthropic/jobs")) == 2  # the second answer came from the store

    def test_a_posting_the_board_no_longer_lists_is_not_found(
        self, url_world: NotebookWorld, board: JobBoardServer, shared_data: Path
    ) -> None:
        board.script("/v1/boards/anthropic/jobs", Reply(body=(shared_data / GREENHOUSE).read_bytes()))

        response = url_world.save(url="https://job-boards.greenhouse.io/anthropic/jobs/1")

        assert response.status_code == 404
        assert response.get_json()["failure_class"] == "SOURCE_NOT_FOUND"

    def test_an_unsupported_site_is_refused_without_any_request(
        self, url_world: NotebookWorld, board: JobBoardServer
    ) -> None:
        response = url_world.save(url="https://jobs.example.com/view/123")

        assert response.status_code == 422
        assert "greenhouse" in response.get_json()["supported"]
        assert board.requests == []


class TestTrack:
    def test_an_illegal_transition_is_409_with_the_allowed_ones(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]

        response = world.client.post(
            f"/notebook/{entry_id}:transition", json={"to": "offer"}, headers=world.auth()
        )

        assert response.status_code == 409
        assert response.get_json()["allowed"] == ["applied", "rejected", "withdrawn"]

    def test_transitions_are_timestamped_in_the_history(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]
        world.clock.advance(hours=1)
        world.client.post(f"/notebook/{entry_id}:transition", json={"to": "applied"}, headers=world.auth())
        world.clock.advance(hours=1)

        entry = world.client.post(
            f"/notebook/{entry_id}:transition", json={"to": "withdrawn"}, headers=world.auth()
        ).get_json()

        assert [(h["from_status"], h["to_status"]) for h in entry["history"]] == [
            (None, "saved"),
            ("saved", "applied"),
            ("applied", "withdrawn"),
        ]
        assert entry["history"][2]["at"].startswith("2026-01-01T02:00")

    def test_patch_changes_notes_tags_and_follow_up(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id, tags=["old"]).get_json()["id"]

        patched = world.client.patch(
            f"/notebook/{entry_id}",
            json={
                "notes": "# Prep\n- system design",
                "tags": ["Berlin", " berlin", "Remote"],
                "follow_up": "2026-02-01",
            },
            headers=world.auth(),
        ).get_json()
        tags = world.client.get("/notebook/tags", headers=world.auth()).get_json()

        assert (patched["notes"], patched["tags"], patched["follow_up"]) == (
            "# Prep\n- system design",
            ["berlin", "remote"],
            "2026-02-01",
        )
        assert tags == {"tags": [{"tag": "berlin", "count": 1}, {"tag": "remote", "count": 1}]}

    def test_delete_removes_the_entry(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]

        deleted = world.client.delete(f"/notebook/{entry_id}", headers=world.auth())
        after = world.client.get(f"/notebook/{entry_id}", headers=world.auth())

        assert (deleted.status_code, after.status_code) == (204, 404)
        assert world.client.get("/notebook", headers=world.auth()).get_json()["counts"] == {}


class TestList:
    def _fill(self, world: NotebookWorld) -> list[str]:
        ids = []
        for i, offer in enumerate(OFFERS):
            world.clock.advance(minutes=1)
            ids.append(
                world.save(offer_id=offer.id, tags=["even"] if i % 2 == 0 else ["odd"]).get_json()["id"]
            )
        world.clock.advance(minutes=1)
        world.client.post(f"/notebook/{ids[0]}:transition", json={"to": "applied"}, headers=world.auth())
        return ids

    def test_filters_by_status_and_tag_with_counts_by_status(self, world: NotebookWorld) -> None:
        ids = self._fill(world)

        applied = world.client.get("/notebook?status=applied", headers=world.auth()).get_json()
        even = world.client.get("/notebook?tag=EVEN&sort=created", headers=world.auth()).get_json()

        assert [e["id"] for e in applied["entries"]] == [ids[0]]
        assert applied["counts"] == {"saved": 4, "applied": 1}
        assert [e["id"] for e in even["entries"]] == [ids[4], ids[2], ids[0]]

    def test_pages_with_a_cursor_newest_first(self, world: NotebookWorld) -> None:
        ids = self._fill(world)

        first = world.client.get("/notebook?limit=3", headers=world.auth()).get_json()
        second = world.client.get(
            f"/notebook?limit=3&cursor={first['next_cursor']}", headers=world.auth()
        ).get_json()

        assert [e["id"] for e in first["entries"] + second["entries"]] == [
            ids[0],
            ids[4],
            ids[3],
            ids[2],
            ids[1],
        ]
        assert second["next_cursor"] is None

    def test_min_score_needs_the_score_order(self, world: NotebookWorld) -> None:
        response = world.client.get("/notebook?min_score=50&sort=updated", headers=world.auth())

        assert response.status_code == 422


class TestIsolation:
    ROUTES: ClassVar[list[tuple[str, str, dict[str, str] | None]]] = [
        ("GET", "/notebook/{id}", None),
        ("PATCH", "/notebook/{id}", {"notes": "mine now"}),
        ("DELETE", "/notebook/{id}", None),
        ("POST", "/notebook/{id}:transition", {"to": "applied"}),
        ("POST", "/notebook/{id}:score", None),
        ("GET", "/notebook/{id}/scores", None),
    ]

    @pytest.mark.parametrize(("method", "path", "body"), ROUTES)
    def test_another_users_entry_answers_404_and_stays_unchanged(
        self, world: NotebookWorld, method: str, path: str, body: dict[str, str] | None
    ) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]
        before = world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json()

        response = world.client.open(
            path.format(id=entry_id), method=method, json=body, headers=world.auth(OTHER)
        )

        assert response.status_code == 404
        assert world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json() == before
        assert world.provider.calls == 0

    def test_lists_and_tags_show_only_the_callers_entries(self, world: NotebookWorld) -> None:
        world.save(offer_id=OFFERS[0].id, tags=["mine"])

        listed = world.client.get("/notebook", headers=world.auth(OTHER)).get_json()
        tags = world.client.get("/notebook/tags", headers=world.auth(OTHER)).get_json()

        assert (listed["entries"], listed["counts"], tags["tags"]) == ([], {}, [])

    @pytest.mark.parametrize("path", ["/notebook", "/notebook/tags", "/notebook/x", "/notebook/x/scores"])
    def test_every_route_needs_a_token(self, world: NotebookWorld, path: str) -> None:
        assert world.client.get(path).status_code == 401
