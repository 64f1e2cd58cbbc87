"""The README's quick start, run as written against a real ``career serve``.

The fenced block after the ``quick-start`` marker is extracted from README.md and run with
bash from the repository root, exactly as a newcomer pastes it into a second terminal. Only
the port differs: the test's server listens on a free port, so ``http://127.0.0.1:8080`` in
the block becomes the server's URL, and the settings the CLI reads (data folder, base URL,
token secret) are the server's through the environment, as they would be by default.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.local_server import CAREER, URL_LINE, environment
from tests.emulators.process import REPO, ManagedProcess, free_port

pytestmark = pytest.mark.e2e
README = REPO / "README.md"
DEFAULT_URL = "http://127.0.0.1:8080"


def quick_start_block(readme: str) -> str:
    """The first ```sh block after the quick-start marker."""
    marker = readme.index("<!-- quick-start")
    found = re.search(r"```sh\n(.*?)```", readme[marker:], re.DOTALL)
    assert found is not None, "no ```sh block after the quick-start marker"
    return found.group(1)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh ``career serve`` (its own data folder, no scheduler, no default sources)."""
    if not CAREER.exists():
        pytest.fail(f"{CAREER} is missing: run `make install` first")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(secrets.token_urlsafe(48))
    env.update({"CAREER_DATA_DIR": str(tmp_path / "data"), "CAREER_PUBLIC_BASE_URL": url})
    argv = [str(CAREER), "serve", "--port", str(port), "--no-scheduler", "--no-default-sources"]
    process = ManagedProcess("quick-start-serve", argv, env, log_dir=tmp_path, pid_dir=tmp_path).start()

    def up() -> bool:
        printed = URL_LINE.search(process.log_path.read_text(errors="replace"))
        return bool(printed) and httpx.get(f"{url}/api/healthz", timeout=2).status_code == 200

    try:
        process.wait_ready(up, timeout_s=90)
        yield url, env
    finally:
        process.stop()


class TestReadmeQuickStart:
    def test_the_block_ends_with_ranked_matches_and_their_explanations(
        self, stack: tuple[str, dict[str, str]]
    ) -> None:
        url, env = stack
        block = quick_start_block(README.read_text(encoding="utf-8"))

        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.replace(DEFAULT_URL, url)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip

        assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        ranked = re.findall(r"^(\d+)\.\s+(\d+\.\d)\s+(.+) at (.+)$", done.stdout, re.M)
        assert [int(r[0]) for r in ranked] == [1, 2, 3, 4, 5]
        scores = [float(r[1]) for r in ranked]
        assert scores == sorted(scores, reverse=True)
        assert ranked[0][2] == "Senior Backend Engineer (Python)"
        assert "Strong match" in done.stdout  # the first explanation's summary
        assert re.search(r"^\s+documents\s+1\s+\(EXTRACTED 1\)$", done.stdout, re.M)
        assert re.search(r"^\s+offers\s+9 open, 0 closed$", done.stdout, re.M)

    def test_the_block_uses_only_commands_the_cli_has(self) -> None:
        from shared.cli.main import COMMANDS

        block = quick_start_block(README.read_text(encoding="utf-8"))
        used = set(re.findall(r"\.venv/bin/career (\w+)", block))

        assert used <= set(COMMANDS)
        assert {"token", "upload", "sources", "matches", "status"} <= used
