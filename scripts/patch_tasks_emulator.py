"""Install-time patch of gcloud-tasks-emulator 0.6.2 in its private venv (.emulators/tasks-venv).

1. Bind address: the emulator listens on ``[::]`` whatever its options say; every server of
   this project binds 127.0.0.1 only.
2. Named tasks: production Cloud Tasks refuses a second task with a name already used
   (ALREADY_EXISTS); the emulator accepts duplicates. The patch restores the production answer,
   so the adapter's de-duplication path runs against a real gRPC error.

Each replacement must match exactly once; anything else fails the install loudly.
Run with the venv's python: ``.emulators/tasks-venv/bin/python scripts/patch_tasks_emulator.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

MARK = "# career: patched"

PATCHES = (
    (
        "        interface = f'[::]:{self._port}'\n",
        f"        interface = f'127.0.0.1:{{self._port}}'  {MARK}: loopback only\n",
    ),
    (
        "        self._queue_tasks[queue].append(task)\n",
        "        seen = self.__dict__.setdefault('_career_names', set())  "
        f"{MARK}: named-task dedupe\n"
        "        if task.name in seen:\n"
        "            from google.api_core.exceptions import AlreadyExists\n"
        "            raise AlreadyExists(f'Requested entity already exists: {task.name}')\n"
        "        seen.add(task.name)\n"
        "        self._queue_tasks[queue].append(task)\n",
    ),
)


def main() -> int:
    """Patch server.py of the installed emulator; idempotent."""
    import gcloud_tasks_emulator.server as server  # the venv's copy

    path = Path(server.__file__)
    text = path.read_text()
    if MARK in text:
        sys.stdout.write(f"already patched: {path}\n")
        return 0
    for old, new in PATCHES:
        if text.count(old) != 1:
            sys.stderr.write(f"cannot patch {path}: expected exactly one {old.strip()!r}\n")
            return 1
        text = text.replace(old, new)
    path.write_text(text)
    for cached in path.parent.glob("__pycache__/server.*.pyc"):
        cached.unlink()
    sys.stdout.write(f"patched {path}: binds 127.0.0.1, refuses duplicate task names\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
