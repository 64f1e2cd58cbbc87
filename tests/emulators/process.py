"""One child process: its own process group, a PID file, a log file, stopped by PID."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STATE_DIR = REPO / ".emulators"
LOG_DIR = STATE_DIR / "logs"
PID_DIR = STATE_DIR / "pids"


def free_port() -> int:
    """A port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ManagedProcess:
    """A server started in a new session so that the whole tree is signalled by one PID."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    cwd: Path = REPO
    log_dir: Path = LOG_DIR
    pid_dir: Path = PID_DIR
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        """Where stdout and stderr go (kept after stop, for failures); one per harness process."""
        return self.log_dir / f"{self.name}.{os.getpid()}.log"

    @property
    def pid_path(self) -> Path:
        """PID file, so another process (scripts/emulators.py stop) can stop it."""
        if self.popen is None:
            raise RuntimeError(f"{self.name} is not started")
        return self.pid_dir / f"{self.name}.{self.popen.pid}.json"

    @property
    def pid(self) -> int:
        """The child's PID (also its process-group id)."""
        if self.popen is None:
            raise RuntimeError(f"{self.name} is not started")
        return self.popen.pid

    def start(self) -> ManagedProcess:
        """Spawn the process; returns immediately (readiness is checked by the caller)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.pid_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                list(self.argv),
                cwd=self.cwd,
                env=dict(self.env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: java/node children die with it
            )
        record = {"name": self.name, "pid": self.popen.pid, "argv": list(self.argv)}
        self.pid_path.write_text(json.dumps(record))
        return self

    def alive(self) -> bool:
        """True while the child has not exited."""
        return self.popen is not None and self.popen.poll() is None

    def terminate(self) -> None:
        """Send SIGTERM to the group without waiting (stop several at once, then ``stop`` each)."""
        if self.popen is not None and self.popen.poll() is None:
            _signal_group(self.popen.pid, signal.SIGTERM)

    def stop(self, grace_s: float = 5.0) -> None:
        """SIGTERM the process group, SIGKILL it after ``grace_s``; idempotent."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            _signal_group(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                _signal_group(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=grace_s)
        # The leader is gone; make sure no straggler of its group survives it.
        _signal_group(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(FileNotFoundError):
            self.pid_path.unlink()

    def log_tail(self, lines: int = 30) -> str:
        """The end of the log, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, check: Callable[[], bool], *, timeout_s: float) -> float:
        """Poll ``check`` until it is true; returns seconds waited. Raises with the log tail."""
        started = time.monotonic()
        delay = 0.05
        while True:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited early; log {self.log_path}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if check():
                    return time.monotonic() - started
            if time.monotonic() - started > timeout_s:
                raise TimeoutError(
                    f"{self.name} not ready after {timeout_s:.0f} s; log {self.log_path}:\n{self.log_tail()}"
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)


def stop_recorded(pid_file: Path, grace_s: float = 5.0) -> str:
    """Stop a process started by another invocation, from its PID file; returns what happened."""
    record = json.loads(pid_file.read_text())
    pid = int(record["pid"])
    if not _is_same_process(pid, record["argv"]):
        pid_file.unlink()
        return f"{record['name']}: not running"
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _exists(pid):
        time.sleep(0.1)
    if _exists(pid):
        _signal_group(pid, signal.SIGKILL)
    pid_file.unlink()
    return f"{record['name']}: stopped (pid {pid})"


def recorded_status(pid_file: Path) -> tuple[str, int, bool]:
    """(name, pid, running) of a PID file."""
    record = json.loads(pid_file.read_text())
    pid = int(record["pid"])
    return str(record["name"]), pid, _is_same_process(pid, record["argv"])


def _is_same_process(pid: int, argv: Sequence[str]) -> bool:
    # A PID can be reused after a reboot or a crash: check the command line before signalling.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool(argv) and any(os.fsencode(argv[0]) in part for part in cmdline)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        return status.read_text().split(") ", 1)[1][:1] != "Z"  # a zombie is gone for our purpose
    return True


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
