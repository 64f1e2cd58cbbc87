"""A real ``career serve`` subprocess on a free port, and dev tokens minted by ``career token``."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.e2e.local_server import CAREER, URL_LINE, Server, environment
from tests.emulators.process import ManagedProcess


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``career serve --port 0`` in its own process group, stopped by PID at the end."""
    if not CAREER.exists():
        pytest.fail(f"{CAREER} is missing: run `make install` first")
    root = tmp_path_factory.mktemp("career-serve")
    data_dir = root / "data"
    env = environment(secrets.token_urlsafe(48))
    process = ManagedProcess(
        name="career-serve",
        # No default sources: a test must never crawl the real boards.
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
        log_dir=root / "logs",
        pid_dir=root / "pids",
    ).start()
    found: list[str] = []

    def url_printed() -> bool:
        match = URL_LINE.search(process.log_path.read_text(errors="replace"))
        if match:
            found.append(match.group(1))
        return bool(match)

    def healthy() -> bool:
        return httpx.get(f"{found[0]}/healthz", timeout=2).status_code == 200

    try:
        process.wait_ready(url_printed, timeout_s=60)
        process.wait_ready(healthy, timeout_s=30)
        yield Server(found[0], env, data_dir)
    finally:
        process.stop()


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client on the server's base URL."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@pytest.fixture
def new_user(server: Server) -> Callable[[], tuple[str, dict[str, str]]]:
    """Makes a fresh user (unique uid) and its Authorization header."""

    def make() -> tuple[str, dict[str, str]]:
        uid = f"user-{secrets.token_hex(6)}"
        token = server.token(uid, "--email", f"{uid}@example.com")
        return uid, {"Authorization": f"Bearer {token}"}

    return make
