"""`career profile PATH.pdf`: the profile JSON of one CV, or its failure class."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shared.cli.main import main
from tests.unit.cv_texts import UNREADABLE, pdf_path


class TestProfileCommand:
    def test_prints_the_profile_json_with_named_skills_and_years(self, shared_data: Path) -> None:
        path = pdf_path(shared_data, "fullstack-dev_john-doe_latex_2p")

        result = CliRunner().invoke(main, ["profile", str(path), "--provider", "heuristic", "--json"])

        assert result.exit_code == 0
        profile = json.loads(result.stdout)
        assert {"Java", "Spring Boot", "Angular"} <= {s["name"] for s in profile["skills"]}
        assert profile["years_experience"] > 5
        assert profile["provenance"]["provider"] == "heuristic"

    @pytest.mark.parametrize(("stem", "failure"), sorted(UNREADABLE.items()))
    def test_an_unreadable_pdf_exits_non_zero_with_its_class_and_no_profile(
        self, shared_data: Path, stem: str, failure: str
    ) -> None:
        result = CliRunner().invoke(main, ["profile", str(pdf_path(shared_data, stem)), "--json"])

        assert result.exit_code != 0
        assert result.stdout == ""
        assert result.stderr.startswith(f"{failure}:")

    def test_is_registered_in_the_career_group(self) -> None:
        result = CliRunner().invoke(main, ["--help"])

        assert "profile" in result.stdout
