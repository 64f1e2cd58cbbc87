"""A set of emulators started in parallel, with their endpoints, environment and timings."""

from __future__ import annotations

import functools
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.emulators.catalog import CATALOG, PROJECT, Endpoint, child_env
from tests.emulators.process import LOG_DIR, PID_DIR, ManagedProcess, free_port

# Pub/Sub first: fake-gcs-server is told where to publish its notifications.
ORDER = ("pubsub", "firestore", "gcs", "auth", "tasks")


@dataclass
class Running:
    """One started emulator."""

    endpoint: Endpoint
    process: ManagedProcess
    ready_s: float = 0.0
    scratch: Path | None = None

    def stop(self) -> None:
        """Stop the process by PID, then remove its per-run folder."""
        self.process.stop()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


START_ATTEMPTS = 3


class EmulatorStack:
    """Starts, resets and stops emulators; knows which ones this machine cannot run and why."""

    def __init__(self, *, log_dir: Path = LOG_DIR, pid_dir: Path = PID_DIR) -> None:
        self.log_dir = log_dir
        self.pid_dir = pid_dir
        self.running: dict[str, Running] = {}
        self.unavailable: dict[str, str] = {}
        self.start_wall_s: float = 0.0  # wall time of the last start() (parallel boot)
        self._spawning: dict[str, Endpoint] = {}  # spawned in the current start(), not ready yet

    # ------------------------------------------------------------------ lifecycle
    def start(self, names: Iterable[str] = ORDER) -> None:
        """Start the named emulators that are not running yet, all at once; wait until ready."""
        wanted = set(names)
        if "gcs" in wanted:
            wanted.add("pubsub")  # notifications: best effort, gcs still runs without it
        todo = [n for n in ORDER if n in wanted and n not in self.running and n not in self.unavailable]
        for name in list(todo):
            reason = CATALOG[name].missing()
            if reason is not None:
                self.unavailable[name] = reason
                todo.remove(name)
        if not todo:
            return
        # A free port is picked before the emulator binds it, so another process can take it
        # in between (the Auth emulator's hub then refuses to start): try again on fresh ports.
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start_once(todo)
                return
            except Exception:
                if attempt == START_ATTEMPTS:
                    raise

    def _start_once(self, todo: list[str]) -> None:
        started = time.monotonic()
        self._spawning.clear()
        ports = {name: free_port() for name in todo}
        pending: list[Running] = []
        try:
            for name in todo:
                pending.append(self._spawn(name, ports[name]))
            # Wait for the quick ones first, so each time is its own (they all boot at once).
            for item in sorted(pending, key=lambda i: CATALOG[i.endpoint.name].ready_timeout_s):
                emulator = CATALOG[item.endpoint.name]
                probe = functools.partial(emulator.ready, item.endpoint)
                item.process.wait_ready(probe, timeout_s=emulator.ready_timeout_s)
                # Measured from the common start: they all boot at the same time.
                item.ready_s = time.monotonic() - started
                self.running[item.endpoint.name] = item
        except BaseException:
            for item in pending:
                item.stop()
                if item.endpoint.name in self.running:
                    del self.running[item.endpoint.name]
            raise
        self.start_wall_s = time.monotonic() - started

    def _spawn(self, name: str, port: int) -> Running:
        emulator = CATALOG[name]
        pubsub = self.running.get("pubsub")
        pubsub_endpoint = pubsub.endpoint if pubsub else None
        if name == "gcs" and pubsub_endpoint is None:
            pubsub_endpoint = self._spawning.get("pubsub")
        launch = emulator.launch(port, pubsub_endpoint)
        process = ManagedProcess(
            name,
            launch.argv,
            child_env(launch.env),
            cwd=launch.cwd,
            log_dir=self.log_dir,
            pid_dir=self.pid_dir,
        ).start()
        endpoint = Endpoint(name, port)
        self._spawning[name] = endpoint
        return Running(endpoint, process, scratch=launch.scratch)

    def stop(self) -> None:
        """Stop every running emulator by PID (SIGTERM, then SIGKILL)."""
        for running in self.running.values():
            running.process.terminate()
        for name in reversed(ORDER):
            if name in self.running:
                self.running.pop(name).stop()
        self._spawning.clear()

    # ------------------------------------------------------------------ use
    def has(self, name: str) -> bool:
        """True when ``name`` is running."""
        return name in self.running

    def endpoint(self, name: str) -> Endpoint:
        """Where ``name`` listens (KeyError when it is not running)."""
        return self.running[name].endpoint

    def env(self) -> dict[str, str]:
        """The standard variables that point the SDKs at the running emulators."""
        env = {"GOOGLE_CLOUD_PROJECT": PROJECT, "CAREER_PROJECT_ID": PROJECT}
        for name, item in self.running.items():
            emulator = CATALOG[name]
            env[emulator.env_var] = emulator.env_value(item.endpoint)
        return env

    def reset(self, names: Iterable[str] | None = None) -> None:
        """Reset the named (default: all) running emulators to empty."""
        for name in names if names is not None else list(self.running):
            item = self.running.get(name)
            if item is not None:
                CATALOG[name].reset(item.endpoint)

    def timings(self) -> dict[str, float]:
        """Seconds from the start call to each emulator answering its readiness probe."""
        return {name: round(item.ready_s, 2) for name, item in self.running.items()}
