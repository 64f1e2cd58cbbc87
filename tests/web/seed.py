"""What a screen test needs before its browser opens, made over the API as a client would:
a crawled board, and a user with inputs, an extracted CV, a profile, matches and a notebook."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.local_server import Server
from tests.support.job_board_server import Reply, running
from tests.support.polling import eventually

PAYLOAD = "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"
CV = "senior-swe_two-column_chromium_1p.pdf"
SLOW_S = 180  # extraction, profile and matching run through the local queue on a busy machine


@contextmanager
def crawled_board(server: Server, shared_data: Path, source_id: str = "remotive-web") -> Iterator[None]:
    """A local job board serving the kit's remotive payload, crawled once to completion."""
    with running() as board, httpx.Client(base_url=server.url, timeout=30, trust_env=False) as client:
        board.script(
            "/api/remote-jobs",
            Reply(
                200,
                (shared_data / "job-sources" / PAYLOAD).read_bytes(),
                {"Content-Type": "application/json"},
            ),
        )
        ops = {"Authorization": f"Bearer {server.token('ops-seed', '--role', 'operator')}"}
        body = {"kind": "remotive", "board": "all", "id": source_id, "base_url": board.base_url}
        created = client.post("/ops/job-sources", json=body, headers=ops)
        assert created.status_code in (200, 201), created.text
        started = client.post(f"/ops/job-sources/{source_id}/runs", headers=ops)
        assert started.status_code == 202, started.text
        run_url = f"/ops/job-sources/runs/{started.json()['id']}"

        def finished() -> dict[str, Any] | None:
            run: dict[str, Any] = client.get(run_url, headers=ops).json()
            return run if run["status"] in ("COMPLETED", "FAILED") else None

        run = eventually(finished, SLOW_S, "the crawl did not finish")
        assert run["status"] == "COMPLETED", run
        yield


@dataclass(frozen=True)
class SeededUser:
    uid: str
    token: str
    saved_titles: list[str]


def user_with_profile(server: Server, shared_data: Path, uid: str) -> str:
    """A dev-token user with inputs and an uploaded CV, once that CV became a career profile
    (its text is in the text bucket by then); returns the user's token."""
    token = server.token(uid, "--email", f"{uid}@example.com")
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as client:
        inputs = {
            "target_roles": ["Software Engineer", "Backend Engineer"],
            "preferred_locations": ["Berlin"],
            "remote_preference": "any",
        }
        assert client.put("/api/me/profile-inputs", json=inputs, headers=auth).status_code == 200
        cv = (shared_data / "resumes" / CV).read_bytes()
        created = client.post(
            "/api/documents",
            json={"filename": CV, "size": len(cv), "content_type": "application/pdf"},
            headers=auth,
        )
        assert created.status_code == 201, created.text
        upload = created.json()["upload"]
        put = client.request(upload["method"], upload["url"], content=cv, headers=upload["headers"])
        assert put.status_code == 200, put.text
        client.post(f"/api/documents/{created.json()['document']['id']}/confirm", headers=auth)
        eventually(
            lambda: client.get("/api/career-profiles/latest", headers=auth).status_code == 200,
            SLOW_S,
            "no career profile",
        )
    return token


def user_with_matches(server: Server, shared_data: Path, uid: str, *, save: int = 2) -> SeededUser:
    """A dev-token user whose CV became a profile and matches; ``save`` of the top offers are in
    the notebook, the first of them moved on to 'applied'."""
    token = user_with_profile(server, shared_data, uid)
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as client:
        matches = eventually(
            lambda: client.get("/api/matches?limit=10", headers=auth).json().get("matches"),
            SLOW_S,
            "no matches",
        )
        titles = []
        for n, match in enumerate(matches[:save]):
            body = {"offer_id": match["offer_id"], "notes": "", "tags": []}
            entry = client.post("/api/notebook", json=body, headers=auth)
            assert entry.status_code in (200, 201), entry.text
            titles.append(match["title"])
            if n == 0:
                transition = f"/api/notebook/{entry.json()['id']}:transition"
                moved = client.post(transition, json={"to": "applied"}, headers=auth)
                assert moved.status_code == 200, moved.text
    return SeededUser(uid, token, titles)


def wait_for_matches(server: Server, token: str) -> None:
    """Matching runs after the profile: wait until the user has some."""
    with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as client:
        auth = {"Authorization": f"Bearer {token}"}
        found = eventually(
            lambda: client.get("/api/matches?limit=1", headers=auth).json().get("matches"),
            SLOW_S,
            "no matches",
        )
        assert found
