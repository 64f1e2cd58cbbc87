"""The emulator harness survives a port taken between picking it and binding it."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.emulators import stack as stack_module
from tests.emulators.catalog import CATALOG
from tests.emulators.process import free_port
from tests.emulators.stack import EmulatorStack


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port some other process holds."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


class TestPortRace:
    def test_a_start_on_a_taken_port_is_retried_on_a_fresh_one(
        self, tmp_path: Path, taken_port: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The first port handed out is already taken, as when another process wins the race.
        handed: list[int] = []

        def racing_free_port() -> int:
            port = taken_port if not handed else free_port()
            handed.append(port)
            return port

        monkeypatch.setattr(stack_module, "free_port", racing_free_port)
        stack = EmulatorStack(log_dir=tmp_path / "logs", pid_dir=tmp_path / "pids")
        if (reason := CATALOG["pubsub"].missing()) is not None:
            # As the harness does: loud on a machine without the gcloud jars, a failure under CI.
            (pytest.fail if os.environ.get("CI") else pytest.skip)(f"Pub/Sub emulator unavailable: {reason}")
        try:
            stack.start(["pubsub"])

            assert stack.has("pubsub")
            assert stack.endpoint("pubsub").port != taken_port
            assert handed[0] == taken_port
        finally:
            stack.stop()
