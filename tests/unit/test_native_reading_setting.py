"""CAREER_NATIVE_READING=0 turns the compiled description reader off for the process container."""

from __future__ import annotations

import pytest

from shared import bootstrap
from shared.config import get_settings
from shared.domain.matching.features import description_reading, use_native_reading
from shared.domain.native_reading import native_available
from tests.conftest import require


class TestNativeReadingSetting:
    def test_the_setting_forces_the_python_reading(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CAREER_NATIVE_READING", "0")
        get_settings.cache_clear()
        bootstrap.install(None)

        try:
            bootstrap.container()
            reading = description_reading()
        finally:
            use_native_reading(True)

        assert reading == "python"

    def test_the_compiled_reader_is_the_default_when_built(self) -> None:
        require(native_available(), "the compiled reader is not built (make install builds it)")

        assert get_settings().native_reading is True
        assert description_reading() == "native"
