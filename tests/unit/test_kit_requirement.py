"""A test that needs the shared data kit skips in a user's clone and fails under CI."""

from __future__ import annotations

import pytest

from tests.conftest import require


class TestRequire:
    def test_a_missing_prerequisite_skips_outside_ci(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("CI", raising=False)

        with pytest.raises(pytest.skip.Exception, match="kit not found"):
            require(False, "kit not found")

    def test_a_missing_prerequisite_fails_under_ci(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CI", "true")

        with pytest.raises(pytest.fail.Exception, match="kit not found"):
            require(False, "kit not found")

    def test_a_present_prerequisite_passes(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CI", "true")

        require(True, "never said")
