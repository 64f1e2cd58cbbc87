"""The local stack as a subprocess: where the CLI is, the server handle, its environment."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.emulators.process import REPO

CAREER = REPO / ".venv" / "bin" / "career"
URL_LINE = re.compile(r"Career assistant running at (http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class Server:
    """The running local stack."""

    url: str
    env: dict[str, str]
    data_dir: Path

    def token(self, uid: str, *extra: str) -> str:
        """A dev token minted by the CLI, as a developer would get one."""
        done = subprocess.run(
            [str(CAREER), "token", "--uid", uid, *extra],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.strip()


def environment(secret: str) -> dict[str, str]:
    """The caller's environment with our settings pinned (a stray CAREER_* or PORT must not leak in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREER_") and k != "PORT"}
    env.update(
        {
            "CAREER_ENVIRONMENT": "local",
            "CAREER_BACKEND": "local",
            "CAREER_DEV_TOKEN_SECRET": secret,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env
