"""``career smoke --identity firebase`` against `make run-emulated`: every function its own
process on the emulators, a throwaway Auth-emulator account, the real event chain."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_emulated_run import CAREER, EmulatedRun, emulated  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.emulator(own_stack=True)]


def test_the_smoke_journey_passes_on_the_emulated_stack(emulated: EmulatedRun, tmp_path: Path) -> None:  # noqa: F811
    report = tmp_path / "smoke.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREER_")}
    env.update(emulated.variables)

    done = subprocess.run(
        [str(CAREER), "smoke", "--base-url", emulated.variables["API_URL"], "--identity", "firebase",
         "--report", str(report), "--timeout", "300"],
        env=env, capture_output=True, text=True, timeout=400, check=False,
    )  # fmt: skip

    result = json.loads(report.read_text())
    steps = {s["name"]: s for s in result["steps"]}
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["identity"] == "firebase"
    assert steps["upload_extracted"]["status"] == "passed"
    assert steps["career_profile"]["status"] == "passed"
    assert steps["cleanup"]["status"] == "passed"
    assert "deleted" in steps["cleanup"]["detail"]
