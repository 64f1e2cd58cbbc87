"""``career match``: the outputs of ``career profile`` and ``career sources parse`` in, a ranking out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from shared.cli.match import match
from shared.domain.offers import JobOffer
from tests.unit.matching_world import make_offer, make_profile


def _offers() -> list[JobOffer]:
    return [
        make_offer(1, "Account Executive", "Sell software to enterprises."),
        make_offer(2, "Senior Backend Engineer", "Python and PostgreSQL services."),
        make_offer(3, "Backend Developer", "Python APIs."),
    ]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    profile = tmp_path / "profile.json"
    profile.write_text(make_profile("cli", skills=("Python", "PostgreSQL")).model_dump_json())
    offers = tmp_path / "offers.ndjson"
    offers.write_text("\n".join(o.model_dump_json() for o in _offers()) + "\n")
    return profile, offers


class TestMatchCommand:
    def test_prints_the_ranked_offers_with_explanations(self, tmp_path: Path) -> None:
        profile, offers = _files(tmp_path)
        args = [
            "--profile",
            str(profile),
            "--offers",
            str(offers),
            "--top",
            "2",
            "--json",
            "--as-of",
            "2026-03-20",
        ]

        result = CliRunner().invoke(match, args)

        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)
        assert [r["title"] for r in rows] == ["Senior Backend Engineer", "Backend Developer"]
        assert rows[0]["score"] >= rows[1]["score"]
        assert rows[0]["explanation"]["kind"] == "deterministic"
        assert rows[0]["explanation"]["total"] == rows[0]["score"]

    def test_same_inputs_print_the_same_bytes(self, tmp_path: Path) -> None:
        profile, offers = _files(tmp_path)
        args = ["--profile", str(profile), "--offers", str(offers), "--json", "--as-of", "2026-03-20"]

        first, second = CliRunner().invoke(match, args), CliRunner().invoke(match, args)

        assert first.output == second.output

    def test_text_output_lists_one_line_per_offer_and_its_summary(self, tmp_path: Path) -> None:
        profile, offers = _files(tmp_path)

        result = CliRunner().invoke(
            match, ["--profile", str(profile), "--offers", str(offers), "--as-of", "2026-03-20"]
        )

        assert result.exit_code == 0
        assert result.output.splitlines()[0].strip().startswith("1.")
        assert "match (" in result.output

    def test_a_file_that_is_not_a_profile_is_refused(self, tmp_path: Path) -> None:
        _, offers = _files(tmp_path)
        bogus = tmp_path / "bogus.json"
        bogus.write_text('{"skills": "nope"}')

        result = CliRunner().invoke(match, ["--profile", str(bogus), "--offers", str(offers)])

        assert result.exit_code != 0
        assert "is not a career profile" in result.output

    def test_a_bad_offer_line_names_its_line(self, tmp_path: Path) -> None:
        profile, offers = _files(tmp_path)
        offers.write_text(offers.read_text() + '{"title": 3}\n')

        result = CliRunner().invoke(match, ["--profile", str(profile), "--offers", str(offers)])

        assert result.exit_code != 0
        assert f"{offers}:4 is not an offer" in result.output
