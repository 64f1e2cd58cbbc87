"""Every handler failed at every port call: transient, permanent, and a kill between two writes.

For each scenario the fault-free run is made once; its port calls (those of the handlers under
test) are the steps. Each step is then failed in a fresh world, the stack is settled the way
production settles it (redelivery with the manifest's retry rules, a killed worker's lease
running out, the operator replaying dead letters), and the end state is compared with the
fault-free one. What "same end state" means is in docs/decisions/0125-fault-injection.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import Settings
from tests.faults.scenarios import SCENARIOS, Scenario
from tests.faults.visible import failed_visibly, retry_as_the_user, retryable, unsettled
from tests.support.fault_world import OUTBOX, FaultWorld, State
from tests.support.faults import Call, Fault, FaultInjector, Kind, plans

_BASELINES: dict[str, tuple[State, list[Call]]] = {}


def _settings(root: Path) -> Settings:
    return Settings(backend="local", environment="test", data_dir=root / "data")


def run(scenario: Scenario, root: Path, faults: list[Fault] = ()) -> FaultWorld:  # type: ignore[assignment]
    """One settled world of ``scenario`` with ``faults`` planned (the caller closes it)."""
    root.mkdir(parents=True)
    world = FaultWorld(root, _settings(root), FaultInjector(faults))
    scenario.play(world)
    return world


def baseline(scenario: Scenario, root: Path) -> tuple[State, list[Call]]:
    """The fault-free end state and the steps (port calls) of the handlers under test."""
    if scenario.name not in _BASELINES:
        world = run(scenario, root / "baseline")
        try:
            assert unsettled(world) == [], "the fault-free run itself leaves work unsettled"
            assert scenario.checks(world) == [], "the fault-free run itself fails the scenario's checks"
            # A handler delivered twice (a follow-up, a re-published batch) makes the same calls
            # again: a fault planned on a call fires on its first occurrence, so once is enough.
            steps = list(dict.fromkeys(c for c in world.injector.calls if c.handler in scenario.handlers))
            _BASELINES[scenario.name] = (world.state(), steps)
        finally:
            world.close()
    return _BASELINES[scenario.name]


def check(scenario: Scenario, fault: Fault, expected: State, world: FaultWorld) -> list[str]:
    """Problems of one faulted run (empty when it recovered as production must)."""
    problems = [f"{fault}: {p}" for p in unsettled(world)]
    problems += [f"{fault}: {p}" for p in scenario.checks(world)]
    if not world.injector.fired:
        problems.append(f"{fault}: the planned call never happened")
    if fault.kind == "permanent" and retry_as_the_user(world):
        world.settle()  # the user took the next action offered: retry
        problems += [f"{fault}: after the user's retry: {p}" for p in unsettled(world)]
    differences = world.state().diff(expected)
    if scenario.accepts_repeat(fault):
        differences = [d for d in differences if not d.startswith(f"document {OUTBOX}")]
    if differences and fault.kind == "permanent" and failed_visibly(world) and not retryable(world):
        # Told, with a class and a next action that is not a retry (contact support: an
        # operator looks; upload another): the end state rightly differs.
        differences = []
    problems += [f"{fault}: {d}" for d in differences[:8]]
    return problems


@pytest.mark.parametrize("kind", ["transient", "permanent", "crash"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_each_step_failed_recovers_the_fault_free_end_state(
    scenario: Scenario, kind: Kind, tmp_path: Path
) -> None:
    expected, steps = baseline(scenario, tmp_path)
    faults = plans(steps, (kind,))
    assert faults, f"{scenario} has no {kind} step to fail"

    problems: list[str] = []
    for n, fault in enumerate(faults):
        world = run(scenario, tmp_path / f"{kind}-{n}", [fault])
        try:
            problems += check(scenario, fault, expected, world)
        finally:
            world.close()

    assert problems == [], "\n".join(problems)
