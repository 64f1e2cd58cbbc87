"""``make load``, briefly: the tool starts career serve itself, runs the mix, prints its figures, stops it.

It asserts behaviour (no errors, every BENCH line, the server gone), never speed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.emulators.process import REPO

pytestmark = pytest.mark.e2e

LINE = re.compile(r"^BENCH (load_\w+) (\d+(?:\.\d+)?) (\S+) \((\d+) clients\)$", re.MULTILINE)


def test_a_short_run_has_no_errors_and_prints_every_figure(shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", "--clients", "2,3", "--seconds", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    figures = {(name, int(clients)): float(value) for name, value, _, clients in LINE.findall(done.stdout)}
    names = ("load_rps", "load_p50_ms", "load_p95_ms", "load_p99_ms", "load_errors")
    assert set(figures) == {(name, n) for name in names for n in (2, 3)}, done.stdout
    assert figures[("load_errors", 2)] == figures[("load_errors", 3)] == 0
    assert figures[("load_rps", 2)] > 0
    assert figures[("load_rps", 3)] > 0
    # every client's first visit writes and uploads: the per-route counts name them
    assert "GET /api/journey 200" in done.stdout
    assert "PUT /api/me/profile-inputs 200" in done.stdout
    assert "POST /api/notebook 20" in done.stdout
    assert "PUT /_uploads/{signed} 200" in done.stdout
    assert "POST /api/documents/{id}/confirm 200" in done.stdout
    server = re.search(r"career serve at (http://127\.0\.0\.1:\d+)", done.stdout)
    assert server, done.stdout
    # stopped by the tool: nothing listens on its port any more
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.group(1)}/healthz", timeout=5)
