"""The whole journey over real HTTP: a crawled board and an uploaded CV end in ranked, explained offers."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_documents_journey import put, start_upload, wait_settled
from tests.support.job_board_server import Reply, running

pytestmark = pytest.mark.e2e

NewUser = Callable[[], tuple[str, dict[str, str]]]
PAYLOAD = "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"
CV = "senior-swe_two-column_chromium_1p.pdf"


def _poll(fetch: Callable[[], Any], done: Callable[[Any], bool], timeout_s: float = 90) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = fetch()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


class TestFullJourney:
    def test_cv_and_crawl_end_in_ranked_explained_offers(
        self, client: httpx.Client, server: Server, new_user: NewUser, shared_data: Path
    ) -> None:
        ops = {"Authorization": f"Bearer {server.token('ops-journey', '--role', 'operator')}"}
        with running() as board:
            board.script(
                "/api/remote-jobs",
                Reply(
                    200,
                    (shared_data / "job-sources" / PAYLOAD).read_bytes(),
                    {"Content-Type": "application/json"},
                ),
            )
            source = client.post(
                "/ops/job-sources",
                json={
                    "kind": "remotive",
                    "board": "all",
                    "id": "remotive-journey",
                    "base_url": board.base_url,
                },
                headers=ops,
            )
            assert source.status_code in (200, 201), source.text
            started = client.post("/ops/job-sources/remotive-journey/runs", headers=ops)
            assert started.status_code == 202, started.text
            run = _poll(
                lambda: client.get(f"/ops/job-sources/runs/{started.json()['id']}", headers=ops).json(),
                lambda r: r["status"] in ("COMPLETED", "FAILED"),
            )
        assert run["status"] == "COMPLETED", run
        assert run["stats"]["new"] == 35

        _, auth = new_user()
        inputs = {"target_roles": ["Software Engineer"], "remote_preference": "any"}
        assert client.put("/api/me/profile-inputs", json=inputs, headers=auth).status_code == 200
        cv = (shared_data / "resumes" / CV).read_bytes()
        created = start_upload(client, auth, cv)
        assert put(created["upload"], cv).status_code == 200
        assert wait_settled(client, auth, created["document"]["id"])["state"] == "EXTRACTED"

        matches = _poll(
            lambda: client.get("/api/matches?limit=5", headers=auth).json(),
            lambda page: bool(page["matches"]),
        )
        top = matches["matches"]
        assert len(top) == 5
        assert [m["score"] for m in top] == sorted((m["score"] for m in top), reverse=True)
        assert any(word in top[0]["title"] for word in ("Engineer", "Developer")), top[0]
        detail = client.get(f"/api/matches/{top[0]['offer_id']}", headers=auth).json()
        assert detail["explanation"]["kind"] == "deterministic"
        assert {c["feature"] for c in detail["explanation"]["components"]} >= {"skills", "title"}
        # the notebook: keep the best offer, score it (offline provider), read the score back
        kept = client.post("/api/notebook", json={"offer_id": top[0]["offer_id"]}, headers=auth)
        assert kept.status_code == 201, kept.text
        entry_id = kept.json()["id"]
        queued = client.post(f"/api/notebook/{entry_id}:score", headers=auth)
        assert queued.status_code == 202, queued.text
        scores = _poll(
            lambda: client.get(f"/api/notebook/{entry_id}/scores", headers=auth).json(),
            lambda page: bool(page["scores"]),
        )
        [record] = scores["scores"]
        assert (record["llm"]["kind"], record["llm"]["audit"]["provider"]) == ("llm", "heuristic")
        assert record["offer_content_hash"] == kept.json()["snapshot"]["content_hash"]
        assert client.post(f"/api/notebook/{entry_id}:score", headers=auth).status_code == 200  # cached
        journey = client.get("/api/journey", headers=auth).json()
        states = {step["key"]: step["state"] for step in journey["steps"]}
        assert states == dict.fromkeys(states, "done"), states
        assert {"profile_inputs", "documents", "career_profile", "matching", "notebook"} <= set(states)
