"""Property: every event and task handler, handed the same delivery two or three times in a
random order and interleaving, leaves the state that handing it over once leaves.

Hypothesis draws the number of copies and the seed that decides when each extra copy comes
(before, between or after the other deliveries); the examples are derandomised and bounded,
so a run is reproducible and short.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.config import Settings
from tests.faults.scenarios import SCENARIOS, Scenario
from tests.faults.test_fault_injection import baseline
from tests.faults.visible import unsettled
from tests.support.fault_world import FaultWorld, Redelivery


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(copies=st.integers(min_value=2, max_value=3), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_redelivered_in_any_order_the_end_state_is_that_of_one_delivery(
    scenario: Scenario, copies: int, seed: int, tmp_path: Path
) -> None:
    expected, _ = baseline(scenario, tmp_path)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        settings_ = Settings(backend="local", environment="test", data_dir=root / "data")
        world = FaultWorld(root, settings_, redelivery=Redelivery(random.Random(seed), copies))
        try:
            scenario.play(world)

            assert world.redelivery is not None
            assert world.redelivery.refused == [], "a redelivered copy was not acknowledged"
            assert unsettled(world) == []
            assert scenario.checks(world) == []
            assert world.state().diff(expected) == []
        finally:
            world.close()
