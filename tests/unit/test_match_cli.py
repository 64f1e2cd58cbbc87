"""``career match``: the outputs of ``career profile`` and ``career sources parse`` in, a ranking out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from shared.cli.match import match
from shared.domain.accounts import RemotePreference
from shared.domain.offers import JobOffer
from shared.domain.profiles import (
    CareerProfile,
    LanguageItem,
    Preferences,
    ProfileSkill,
    Provenance,
    WorkItem,
)


def _profile() -> CareerProfile:
    return CareerProfile(
        uid="cli",
        version=1,
        seniority="senior",
        skills=[ProfileSkill(name=s, category="language", evidence=s) for s in ("Python", "PostgreSQL")],
        work_history=[WorkItem(title="Backend Engineer")],
        languages=[LanguageItem(name="English")],
        preferences=Preferences(remote=RemotePreference.ANY),
        provenance=Provenance(
            source_document_ids=["d"],
            source_sha256s=["s"],
            inputs_hash="h",
            provider="heuristic",
            model="heuristic-v1",
            prompt_version="p",
            created_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
    )


def _offers() -> list[JobOffer]:
    def offer(n: int, title: str, text: str) -> JobOffer:
        return JobOffer.create(
            source_kind="lever",
            board="acme",
            external_id=str(n),
            title=title,
            company="Acme",
            url=f"https://jobs.invalid/{n}",
            description_text=text,
            language="en",
        )

    return [
        offer(1, "Account Executive", "Sell software to enterprises."),
        offer(2, "Senior Backend Engineer", "Python and PostgreSQL services."),
        offer(3, "Backend Developer", "Python APIs."),
    ]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    profile = tmp_path / "profile.json"
    profile.write_text(_profile().model_dump_json())
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
