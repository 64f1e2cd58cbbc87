"""Root fixtures: isolated environment, the shared test-data kit, a fresh container per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.config import Settings, get_settings
from shared.domain.matching import features
from shared.domain.matching.features import use_native_reading
from shared.domain.native_reading import DescriptionReader, native_available

# Emulator harness: the session `emulators` fixture and the `emulator` marker's per-test reset.
pytest_plugins = ("tests.emulators.fixtures",)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolate_environment() -> Iterator[None]:
    """Restore os.environ, the settings cache and the process container after every test."""
    saved = dict(os.environ)
    previous = bootstrap.install(None)
    get_settings.cache_clear()
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()
    current = bootstrap.install(previous)
    if current is not None and current is not previous:
        current.close()


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` fails, or FAIL when ``CI`` is set (CI has everything).

    The one way a test says it needs something a user's clone may lack (the data kit, a build).
    """
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: a missing prerequisite fails)")
    pytest.skip(reason)


@pytest.fixture
def shared_data() -> Path:
    """The kit's real CVs and job payloads; skips loudly where the kit is absent (a user's clone)."""
    require(SHARED_DATA.is_dir(), f"test data kit not found at {SHARED_DATA} (CI always has it)")
    return SHARED_DATA


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Local-backend settings with data under a temporary folder."""
    return Settings(backend="local", environment="test", data_dir=tmp_path / "data")


@pytest.fixture
def clock() -> ManualClock:
    """A manual clock starting at 2026-01-01T00:00Z."""
    return ManualClock()


@pytest.fixture
def reader() -> Iterator[DescriptionReader]:
    """The compiled description reader offer features use (skips without the extension, fails in CI)."""
    require(native_available(), "the compiled reader is not built (make install builds it)")
    built = features._native_reader()
    assert built is not None
    yield built
    use_native_reading(True)


@pytest.fixture(params=["native", "python"])
def reading(request: pytest.FixtureRequest) -> Iterator[str]:
    """Offer features read by the compiled reader (decision 0092) and by the Python reading.

    The compiled one needs the extension built (``make install``); CI always builds it.
    """
    native = request.param == "native"
    if native:
        require(native_available(), "the compiled reader is not built (make install builds it)")
    use_native_reading(native)
    yield request.param
    use_native_reading(True)
