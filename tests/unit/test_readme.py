"""The README's configuration table and commands stay in step with the code."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices

from shared.cli.main import COMMANDS
from shared.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _env_names(name: str) -> list[str]:
    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return [str(c) for c in alias.choices]
    if isinstance(alias, str):
        return [alias]
    return [f"CAREER_{name.upper()}"]


class TestReadme:
    def test_every_setting_is_documented(self) -> None:
        missing = [
            env for name in Settings.model_fields for env in _env_names(name) if f"`{env}`" not in README
        ]
        assert missing == []

    def test_every_cli_command_is_documented(self) -> None:
        assert [c for c in COMMANDS if f"career {c}" not in README] == []

    def test_shows_the_two_setup_commands(self) -> None:
        assert "make run" in README
        assert "make test" in README
