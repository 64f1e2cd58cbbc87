"""`make run-emulated` as shipped: the job seeker's path and an operator route, over HTTP.

The test starts ``scripts/emulators.py run`` as its own process, exactly as the Makefile does
(only the variables file goes to a temporary folder), then, with nothing but what that run
prints and the ``career`` command: an ID token from the Auth emulator, profile inputs,
POST /documents, the signed PUT to fake-gcs-server, EXTRACTED, the career profile, and an
operators' route with an operator token. It stops the run with SIGTERM and checks, by PID,
that every emulator and function process is gone and the run's folders are removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulators.process import STATE_DIR
from tests.support.polling import eventually

# Its own five emulators and ten function processes start inside the test: on a busy 2-core
# machine that alone can take minutes (the harness retries a start up to three times).
pytestmark = [pytest.mark.e2e, pytest.mark.emulator(own_stack=True), pytest.mark.timeout(900)]
REPO = Path(__file__).resolve().parents[2]
SAMPLE_CV = REPO / "samples" / "cv" / "mara-quinn-backend.pdf"
CAREER = Path(sys.executable).with_name("career")


@dataclass
class EmulatedRun:
    """The running `scripts/emulators.py run` and what it printed."""

    process: subprocess.Popen[bytes]
    output: Path
    env_file: Path
    variables: dict[str, str] = field(default_factory=dict)

    def printed(self) -> str:
        """Everything the run printed so far."""
        return self.output.read_text(errors="replace")

    def pids(self) -> dict[str, int]:
        """Every emulator and function process the run announced, by name."""
        announced = re.finditer(r"^(\S+)\s+http://\S+\s+\(pid (\d+)\)$", self.printed(), re.M)
        return {m[1]: int(m[2]) for m in announced}

    def career(self, *args: str) -> str:
        """A `career` command in a shell that sourced the run's variables file; its stdout."""
        env = {**os.environ, **self.variables}
        done = subprocess.run(
            [str(CAREER), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def token(self, email: str, *, role: str = "user") -> str:
        """`career token --emulated`, as the README's emulated section gets one."""
        return self.career("token", "--emulated", "--email", email, "--role", role)


def _variables(path: Path) -> dict[str, str]:
    lines = [line.removeprefix("export ") for line in path.read_text().splitlines() if line]
    return dict(line.split("=", 1) for line in lines)


@contextlib.contextmanager
def emulated_run(folder: Path) -> Iterator[EmulatedRun]:
    """`make run-emulated`'s command, started in its own session; stopped by PID at the end."""
    output = folder / "run.out"
    env_file = folder / "emulated.env"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "scripts/emulators.py", "run", "--env-file", str(env_file)],
            cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    run = EmulatedRun(process, output, env_file)
    try:
        eventually(lambda: env_file.exists() or process.poll() is not None, 600, "no variables from the run")
        assert process.poll() is None, f"the emulated run exited early:\n{run.printed()}"
        run.variables = _variables(env_file)
        yield run
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for pid in run.pids().values():  # a straggler must not outlive a failed test
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


@pytest.fixture
def emulated(tmp_path: Path) -> Iterator[EmulatedRun]:
    with emulated_run(tmp_path) as run:
        yield run


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except (OSError, IndexError):
        return False
    return state != "Z"


class TestEmulatedRun:
    def test_a_cv_put_through_a_signed_url_becomes_a_profile_and_everything_stops(
        self, emulated: EmulatedRun
    ) -> None:
        api, ops = emulated.variables["API_URL"], emulated.variables["OPS_URL"]
        cv = SAMPLE_CV.read_bytes()
        seeker = {"Authorization": f"Bearer {emulated.token('seeker@example.com')}"}
        operator = {"Authorization": f"Bearer {emulated.token('ops@example.com', role='operator')}"}
        client = httpx.Client(timeout=30, trust_env=False)

        inputs = client.put(
            f"{api}/me/profile-inputs",
            headers=seeker,
            json={"target_roles": ["Backend Engineer"], "remote_preference": "hybrid"},
        )
        created = client.post(
            f"{api}/documents",
            headers=seeker,
            json={"filename": "cv.pdf", "size": len(cv), "content_type": "application/pdf"},
        )
        upload: dict[str, Any] = created.json()["upload"]
        document_id = created.json()["document"]["id"]
        put = client.request(upload["method"], upload["url"], content=cv, headers=upload["headers"])

        def document_settled() -> dict[str, Any] | None:
            doc: dict[str, Any] = client.get(f"{api}/documents/{document_id}", headers=seeker).json()
            return doc if doc.get("state") in ("EXTRACTED", "FAILED") else None

        document = eventually(document_settled, 120, "no EXTRACTED")
        profiles = eventually(
            lambda: client.get(f"{api}/career-profiles", headers=seeker).json()["items"], 120, "no profile"
        )
        # The README's way: `career upload` against the emulated API, with the emulator's token.
        token = seeker["Authorization"].removeprefix("Bearer ")
        uploaded = emulated.career("upload", str(SAMPLE_CV), "--api", api, "--token", token)
        sources_as_operator = client.get(f"{ops}/job-sources", headers=operator)
        sources_as_seeker = client.get(f"{ops}/job-sources", headers=seeker)
        client.close()

        assert inputs.status_code == 200
        assert created.status_code == 201, created.text
        assert put.status_code == 200, put.text
        assert (document["state"], document["pages"]) == ("EXTRACTED", 1), document
        assert profiles[0]["headline"] == "Senior Backend Engineer"
        assert re.fullmatch(r"[0-9a-f]{32}\tEXTRACTED\tpages=1 chars=\d+", uploaded)
        assert sources_as_operator.status_code == 200
        assert sources_as_seeker.status_code == 403

        pids = emulated.pids()
        os.kill(emulated.process.pid, signal.SIGTERM)
        emulated.process.wait(timeout=90)

        assert {"api", "ops", "extract_document", "firestore", "pubsub", "gcs", "auth", "tasks"} <= set(pids)
        assert [name for name, pid in pids.items() if _alive(pid)] == []
        assert emulated.printed().rstrip().endswith("stopped")
        assert not emulated.env_file.exists()
        assert not (STATE_DIR / "run" / f"run-{emulated.process.pid}").exists()
        assert not list((STATE_DIR / "run").glob(f"auth-{_port(pids, emulated)}"))
        logs = STATE_DIR / "logs"
        function_logs = "".join(p.read_text() for p in logs.glob(f"fn-*.{emulated.process.pid}.log"))
        assert "failed permanently" not in function_logs


def _port(pids: dict[str, int], run: EmulatedRun) -> str:
    host = run.variables["FIREBASE_AUTH_EMULATOR_HOST"]
    return host.rsplit(":", 1)[1]
