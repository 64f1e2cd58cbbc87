"""pytest plugin: one emulator stack per session, requested by the ``emulator`` marker.

``@pytest.mark.emulator`` (all emulators) or ``@pytest.mark.emulator("firestore", "pubsub")``
marks a test (``own_stack=True``: the test starts its emulators itself, as ``make run-emulated``
does; it is set aside like the others where an emulator cannot run, but the session stack is
not started for it); the stack starts, once, the union of what the collected tests need, all in
parallel, and stops it by PID at the end of the session (or on SIGTERM / Ctrl-C). Before each
marked test the emulators it names are reset and the standard variables
(FIRESTORE_EMULATOR_HOST, ...) are set; the root conftest restores os.environ afterwards.
Where an emulator cannot run (no gcloud jars, say), its tests are set aside at collection
(deselected) and one loud line at the end of the run says how many and why; the others run.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest

from shared.config import Settings, get_settings
from tests.emulators.catalog import CATALOG, PROJECT
from tests.emulators.stack import ORDER, EmulatorStack

_NEEDED = pytest.StashKey[set[str]]()
_NOT_RUN = pytest.StashKey[str]()


def marked_names(item: pytest.Item) -> tuple[str, ...] | None:
    """Emulators a test asks for (None when it is not an emulator test)."""
    marker = item.get_closest_marker("emulator")
    if marker is None:
        return None
    names = tuple(str(a) for a in marker.args) or ORDER
    unknown = set(names) - set(ORDER)
    if unknown:
        raise pytest.UsageError(f"{item.nodeid}: unknown emulator(s) {sorted(unknown)}; known: {ORDER}")
    return names


def _owns_stack(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("emulator")
    return bool(marker is not None and marker.kwargs.get("own_stack"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Remember the union of emulators the selected tests need; set aside those that cannot run.

    A test needing an emulator this machine cannot run (no gcloud jars, say) is deselected,
    and one loud line at the end of the run says how many and why.
    """
    missing = {name: why for name in ORDER if (why := CATALOG[name].missing()) is not None}
    needed: set[str] = set()
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        names = marked_names(item) or ()
        if set(names) & set(missing):
            dropped.append(item)
            continue
        if not _owns_stack(item):
            needed.update(names)
        kept.append(item)
    config.stash[_NEEDED] = needed
    if dropped:
        items[:] = kept
        config.hook.pytest_deselected(items=dropped)
        reasons = "; ".join(f"{n}: {why}" for n, why in missing.items())
        config.stash[_NOT_RUN] = f"!!! {len(dropped)} EMULATOR TESTS NOT RUN: {reasons} !!!"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The one loud line about emulator suites this machine could not run."""
    line = terminalreporter.config.stash.get(_NOT_RUN, None)
    if line:
        terminalreporter.write_line(line, red=True, bold=True)


@pytest.fixture(scope="session")
def emulators(request: pytest.FixtureRequest) -> Iterator[EmulatorStack]:
    """The session's emulator stack, started in parallel on first use, stopped by PID at the end."""
    stack = EmulatorStack()
    previous_term = _stop_on_sigterm()
    atexit.register(stack.stop)
    try:
        needed: set[str] = request.config.stash.get(_NEEDED, set())
        stack.start(needed or ORDER)
        _announce(request.config, stack)
        yield stack
    finally:
        stack.stop()
        atexit.unregister(stack.stop)
        signal.signal(signal.SIGTERM, previous_term)


@pytest.fixture(autouse=True)
def _emulators_for_marked_tests(request: pytest.FixtureRequest, _isolate_environment: None) -> None:
    """Reset the emulators a marked test names and point the SDKs at them."""
    names = marked_names(request.node)
    if names is None or _owns_stack(request.node):
        return
    stack: EmulatorStack = request.getfixturevalue("emulators")
    for name in names:
        if name in stack.unavailable:
            reason = f"{name} emulator unavailable: {stack.unavailable[name]}"
            if os.environ.get("CI"):
                pytest.fail(reason)  # CI's machine has every emulator: a failed start is a failure
            pytest.skip(reason)
    stack.reset(names)
    os.environ.update(stack.env())
    get_settings.cache_clear()


@pytest.fixture
def gcp_settings(tmp_path: Any) -> Settings:
    """Settings of the gcp backend pointed at the emulators (use in emulator tests only)."""
    return Settings(backend="gcp", environment="test", project_id=PROJECT, data_dir=tmp_path / "data")


def _announce(config: pytest.Config, stack: EmulatorStack) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    timings = ", ".join(f"{n} {s:.1f}s" for n, s in stack.timings().items())
    lines = [f"emulators ready in {stack.start_wall_s:.1f}s ({timings}); logs in .emulators/logs"]
    capture = config.pluginmanager.get_plugin("capturemanager")
    # Fixture setup runs under output capture: suspend it so the lines reach the terminal.
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        for line in lines:
            if reporter is not None:
                reporter.write_line(line, bold=True)
            else:
                sys.stderr.write(line + "\n")


def _stop_on_sigterm() -> Any:
    # A CI runner that kills pytest with SIGTERM should still stop the emulators: turn the
    # signal into KeyboardInterrupt so fixture finalizers run.
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    return signal.signal(signal.SIGTERM, handler)
