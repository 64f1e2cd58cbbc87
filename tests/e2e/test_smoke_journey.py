"""``career smoke`` against ``career serve``: the journey passes, cleans up, and fails loudly."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Server
from tests.e2e.local_server import CAREER

pytestmark = pytest.mark.e2e


def smoke(server: Server, base_url: str, report: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run(
        [str(CAREER), "smoke", "--base-url", base_url, "--report", str(report), *extra],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, json.loads(report.read_text()), done.stdout + done.stderr


def steps(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in report["steps"]}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestSmokeAgainstCareerServe:
    def test_the_journey_passes_and_leaves_nothing_behind(
        self, server: Server, client: httpx.Client, tmp_path: Path
    ) -> None:
        code, report, output = smoke(server, f"{server.url}/api", tmp_path / "report.json")

        assert code == 0, output
        assert report["ok"] is True
        by_name = steps(report)
        assert list(by_name) == [
            "healthz",
            "sign_in",
            "profile_inputs",
            "upload_extracted",
            "career_profile",
            "matches",
            "notebook_save",
            "cleanup",
        ]
        listed = client.get("/api/openapi.json").json()["paths"]
        for name, step in by_name.items():
            if name == "notebook_save" and "post" not in listed.get("/notebook", {}):
                assert step == {**step, "status": "skipped", "detail": "skipped: route not available"}
            else:
                assert step["status"] == "passed", step
        assert "EXTRACTED" in by_name["upload_extracted"]["detail"]
        # the smoke user's document is gone
        uid = re.search(r"signed in as (\S+)", by_name["sign_in"]["detail"]).group(1)  # type: ignore[union-attr]
        doc_id = re.search(r"document (\S+) EXTRACTED", by_name["upload_extracted"]["detail"]).group(1)  # type: ignore[union-attr]
        auth = {"Authorization": f"Bearer {server.token(uid)}"}
        assert client.get(f"/api/documents/{doc_id}", headers=auth).status_code == 404

    def test_an_unreachable_api_fails_at_healthz_and_skips_the_rest(
        self, server: Server, tmp_path: Path
    ) -> None:
        code, report, _ = smoke(
            server, f"http://127.0.0.1:{closed_port()}/api", tmp_path / "report.json", "--timeout", "20"
        )

        assert code == 1
        assert report["ok"] is False
        by_name = steps(report)
        assert by_name["healthz"]["status"] == "failed"
        assert {by_name[n]["status"] for n in list(by_name)[1:-1]} == {"skipped"}
        assert by_name["cleanup"]["detail"] == "skipped: no user was made"
