"""Sealed envelopes: an authentic envelope past its age is told apart from a forged one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.sealing import FernetSealer
from shared.domain.errors import InvalidInput, SealExpired

AGE = timedelta(minutes=10)


@pytest.fixture
def sealer(clock: ManualClock) -> FernetSealer:
    return FernetSealer(b"sealing-test-pepper", clock)


class TestUnseal:
    def test_an_envelope_opens_within_its_age(self, sealer: FernetSealer, clock: ManualClock) -> None:
        token = sealer.seal(b"payload")
        clock.advance(seconds=AGE.total_seconds() - 1)

        assert sealer.unseal(token, max_age=AGE) == b"payload"

    def test_an_authentic_envelope_past_its_age_has_expired(
        self, sealer: FernetSealer, clock: ManualClock
    ) -> None:
        token = sealer.seal(b"payload")
        clock.advance(seconds=AGE.total_seconds() + 1)

        with pytest.raises(SealExpired):
            sealer.unseal(token, max_age=AGE)

    @pytest.mark.parametrize("forge", ["tampered", "foreign", "garbage"])
    def test_a_forged_envelope_is_invalid_not_expired(
        self, sealer: FernetSealer, clock: ManualClock, forge: str
    ) -> None:
        token = sealer.seal(b"payload")
        if forge == "tampered":
            token = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        elif forge == "foreign":
            token = FernetSealer(b"another-pepper", clock).seal(b"payload")
        else:
            token = "not-an-envelope-é"
        clock.advance(seconds=AGE.total_seconds() + 1)  # old too: forgery still wins

        with pytest.raises(InvalidInput) as raised:
            sealer.unseal(token, max_age=AGE)
        assert not isinstance(raised.value, SealExpired)
