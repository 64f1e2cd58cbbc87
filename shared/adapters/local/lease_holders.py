"""Who holds a local delivery lease, and whether that process still exists.

A lease holder is named ``<host>/<pid>.<start>/<uuid>``: the host, the process id and the
process's start time (from /proc where there is one, so a reused pid is not mistaken for the
holder). A holder on this host whose process is gone will never settle its lease, so the
queue takes its leases back on start instead of waiting for them to expire.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path


def _start_time(pid: int) -> str | None:
    # Field 22 of /proc/<pid>/stat is the start time in clock ticks; the command name (field
    # 2) may hold spaces, so count from the closing parenthesis.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def this_holder() -> str:
    """A fresh holder name for this process."""
    pid = os.getpid()
    return f"{socket.gethostname()}/{pid}.{_start_time(pid) or 0}/{uuid.uuid4().hex}"


def gone(holder: str) -> bool:
    """True when ``holder`` names a process on this host that no longer runs."""
    try:
        host, process, _ = holder.split("/")
        pid_text, _, start = process.partition(".")
        pid = int(pid_text)
    except ValueError:
        return False  # not a name this module wrote: leave it to its lease expiry
    if host != socket.gethostname() or pid == os.getpid():
        return False
    if Path("/proc").is_dir():
        now = _start_time(pid)
        return now is None or (start not in ("", "0") and now != start)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
