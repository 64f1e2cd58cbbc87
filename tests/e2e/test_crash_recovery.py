"""kill -9 mid-extraction: after a restart of ``career serve`` the document reaches EXTRACTED.

Before lease recovery it stayed EXTRACTING for the extraction queue's whole dispatch deadline
(300 s): the task's lease belonged to the killed process and nobody took it back.
"""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.adapters.local.dev_tokens import DevTokenIdentity
from tests.e2e.local_server import CAREER, URL_LINE, environment
from tests.emulators.process import REPO, ManagedProcess

RESTART_BUDGET_S = 30.0


def _wait(check: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    pytest.fail(f"{what} not within {timeout_s} s")


def test_a_document_killed_mid_extraction_is_extracted_after_a_restart(tmp_path: Path) -> None:
    secret = secrets.token_urlsafe(48)
    data_dir = tmp_path / "data"
    env = {**environment(secret), "CAREER_DATA_DIR": str(data_dir)}
    uid, marker = f"user-{secrets.token_hex(4)}", tmp_path / "extracting"
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.crash_worker", uid, str(marker)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert worker.stdout is not None
        doc_id = worker.stdout.readline().strip()
        _wait(marker.exists, 120, "the worker reaching the middle of the extraction")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)
        if worker.stdout is not None:
            worker.stdout.close()
    assert doc_id

    server = ManagedProcess(
        name="career-serve-restart",
        argv=[
            str(CAREER),
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--no-scheduler",
            "--no-default-sources",
        ],
        env=env,
        log_dir=tmp_path / "logs",
        pid_dir=tmp_path / "pids",
    ).start()
    try:
        found: list[str] = []

        def url_printed() -> bool:
            match = URL_LINE.search(server.log_path.read_text(errors="replace"))
            if match:
                found.append(match.group(1))
            return bool(match)

        server.wait_ready(url_printed, timeout_s=120)
        restarted = time.monotonic()
        token = DevTokenIdentity(secret, environment="local").mint(uid)
        states: list[str] = []

        def extracted() -> bool:
            answer = httpx.get(
                f"{found[0]}/api/documents/{doc_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            states.append(answer.json().get("state", ""))
            return states[-1] == "EXTRACTED"

        _wait(extracted, RESTART_BUDGET_S, "EXTRACTED after the restart")
        print(f"BENCH crash_recovery_s {time.monotonic() - restarted:.2f} s")
        assert "took back" in server.log_path.read_text(errors="replace")
    finally:
        server.stop()
