"""Fixtures of the infra policy tests: the program run once per session under mocks."""

from __future__ import annotations

import pytest
from infra_stack import Stack, run_stack

from shared.topology import TOPOLOGY


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Stack:
    """The program built from the real manifest."""
    return run_stack(tmp_path_factory.mktemp("stack"), TOPOLOGY)
