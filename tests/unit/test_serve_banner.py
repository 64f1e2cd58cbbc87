"""The banner of `career serve` prints commands that run as printed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from shared.cli.main import COMMANDS
from shared.cli.serve import _banner
from shared.config import Settings

REPO = Path(__file__).resolve().parents[2]


def banner(capsys: pytest.CaptureFixture[str], url: str, data_dir: Path) -> list[list[str]]:
    _banner(url, data_dir, Settings(environment="test"))
    out = capsys.readouterr().out
    lines = [line.strip().removeprefix("TOKEN=$(").removesuffix(")") for line in out.splitlines()]
    return [shlex.split(line) for line in lines if re.match(r"\S*career ", line)]


class TestBanner:
    def test_commands_name_the_venv_career_and_real_subcommands_and_files(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(REPO)

        commands = banner(capsys, "http://127.0.0.1:8080", Path(".data"))

        assert commands
        for argv in commands:
            assert (REPO / argv[0]).is_file() or argv[0] == "career", argv
            assert argv[1] in COMMANDS
            files = [a for a in argv if a.startswith("samples/")]
            assert all((REPO / f).is_file() for f in files), files
            assert "--api" not in argv
            assert "--data-dir" not in argv

    def test_another_port_and_data_folder_are_passed_on(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.chdir(REPO)

        commands = banner(capsys, "http://127.0.0.1:9000", tmp_path)

        by_name = {argv[1]: argv for argv in commands}
        assert by_name["upload"][-2:] == ["--api", "http://127.0.0.1:9000/api"]
        assert by_name["matches"][-2:] == ["--api", "http://127.0.0.1:9000/api"]
        assert by_name["status"][-2:] == ["--data-dir", str(tmp_path)]
