"""CV reading in several languages: open ranges, month names, overlaps, current role, headline,
languages and institutions, on small hand-written texts and on the kit's CVs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.domain.cv.dates import find_ranges
from shared.domain.cv.draft import draft_profile
from shared.domain.cv.facts import CV_LANGUAGE_LEVEL
from shared.domain.profiles import ProfileDraft
from shared.domain.skills import default_matcher
from tests.unit.cv_texts import cv_text

TODAY = date(2026, 3, 1)


def _draft(text: str) -> ProfileDraft:
    return draft_profile(text, TODAY, default_matcher())


class TestRanges:
    @pytest.mark.parametrize(
        ("text", "start", "end", "current"),
        [
            ("2021–Present", "2021", None, True),
            ("Jan 2019 - now", "2019-01", None, True),
            ("Sep 2020 – current", "2020-09", None, True),
            ("März 2021 – heute", "2021-03", None, True),
            ("Okt. 2019 bis Dez. 2020", "2019-10", "2020-12", False),
            ("03.2019 - 02.2021", "2019-03", "2021-02", False),
            ("seit Juli 2022", "2022-07", None, True),
            ("janvier 2020 – aujourd'hui", "2020-01", None, True),
            ("déc. 2019 à févr. 2021", "2019-12", "2021-02", False),
            ("enero 2020 - actualidad", "2020-01", None, True),
            ("since 2018", "2018", None, True),
        ],
    )
    def test_ranges_in_four_languages(self, text: str, start: str, end: str | None, current: bool) -> None:
        (found,) = find_ranges(text)
        assert (found.start_label, found.end_label, found.current) == (start, end, current)


class TestHandWritten:
    def test_an_ml_engineer_reads_right(self) -> None:
        draft = _draft(
            "Jane Roe\nMachine Learning Engineer\n\n"
            "Experience\n"
            "ML Engineer | Acme | 2021–Present\n"
            "Built the ranking models of the search and the ads teams, with our data team and in Python.\n"
            "Data Scientist | Beta | 2019–2022\n"  # overlaps the current job by a year
            "Junior Data Analyst | Initech | 2015–2017\n\n"
            "Education\nUniversity of Toronto\nBSc Computer Science, 2015\n"
        )

        assert draft.headline == "Machine Learning Engineer"
        current = [w for w in draft.work_history if w.current]
        assert [(w.title, w.start) for w in current] == [("ML Engineer", "2021")]
        # 2015-2017 (2 years) + 2019 to March 2026 (7.2 years), the overlap counted once
        assert draft.years_experience == pytest.approx(9.2)
        assert [(lang.name, lang.level) for lang in draft.languages] == [("English", CV_LANGUAGE_LEVEL)]
        assert [e.institution for e in draft.education] == ["University of Toronto"]

    def test_a_stated_number_of_years_is_believed(self) -> None:
        draft = _draft(
            "Jane Roe\n\nSummary\n"
            "Machine learning engineer with 5 years of experience in recommender systems.\n\n"
            "Experience\nML Engineer, Acme, 2021 - Present\nResearch Assistant, Uni Lab, 2014 - 2018\n"
        )
        assert draft.years_experience == 5.0

    def test_a_german_cv(self) -> None:
        draft = _draft(
            "Max Mustermann\nSoftwareentwickler\n\n"
            "Berufserfahrung\n"
            "Softwareentwickler, Acme GmbH, Berlin\nMärz 2021 – heute\n"
            "Werkstudent Softwareentwicklung, Foo AG, München\n10/2018 – 02/2021\n\n"
            "Ausbildung\nM.Sc. Informatik, Technische Universität München, 2020\n\n"
            "Sprachen\nDeutsch (Muttersprache), Englisch (verhandlungssicher)\n"
        )

        assert [(w.title, w.employer, w.start, w.current) for w in draft.work_history] == [
            ("Softwareentwickler", "Acme GmbH", "2021-03", True),
            ("Werkstudent Softwareentwicklung", "Foo AG", "2018-10", False),
        ]
        assert draft.headline == "Softwareentwickler"
        assert [(lang.name, lang.level) for lang in draft.languages] == [
            ("German", "Muttersprache"),
            ("English", "verhandlungssicher"),
        ]
        assert [(e.degree, e.institution) for e in draft.education] == [
            ("M.Sc. Informatik", "Technische Universität München")
        ]
        # the internship (Werkstudent) is not professional time: March 2021 to March 2026
        assert draft.years_experience == pytest.approx(5.1)

    def test_a_french_cv(self) -> None:
        draft = _draft(
            "Jean Dupont\n\nExpérience professionnelle\n"
            "Développeur, Acme SA, Paris\njanvier 2020 – aujourd'hui\n\n"
            "Formation\nMaster Informatique, Université Paris-Saclay, 2019\n\n"
            "Langues\nFrançais (langue maternelle), anglais (courant)\n"
        )

        assert [(w.title, w.start, w.current) for w in draft.work_history] == [
            ("Développeur", "2020-01", True)
        ]
        assert [lang.name for lang in draft.languages] == ["French", "English"]
        assert [e.institution for e in draft.education] == ["Université Paris-Saclay"]

    def test_employer_and_title_around_a_dash(self) -> None:
        draft = _draft("Jane Roe\n\nExperience\nAcme — Machine Learning Engineer (2021–Present)\n")
        assert [(w.title, w.employer, w.current) for w in draft.work_history] == [
            ("Machine Learning Engineer", "Acme", True)
        ]


@pytest.fixture(scope="module")
def provider() -> HeuristicProfileProvider:
    return HeuristicProfileProvider(ManualClock(datetime(2026, 3, 20, tzinfo=UTC)))


class TestKitCvs:
    def test_the_moderncv_gutter_gives_the_first_job_its_present(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = provider.draft(cv_text(shared_data, "product-manager_alfred-pennyworth_moderncv_2p"))

        first = draft.work_history[0]
        assert (first.title, first.start, first.current) == ("Product Manager", "2017", True)
        assert draft.headline == "Product Manager"

    def test_a_stated_floor_keeps_the_dated_total(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        # "over 20 years of experience", jobs dated from 1999
        draft = provider.draft(cv_text(shared_data, "product-manager_alfred-pennyworth_moderncv_2p"))
        assert draft.years_experience is not None
        assert draft.years_experience > 20

    def test_institutions_above_the_degree_line(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = provider.draft(cv_text(shared_data, "devops-architect_awesome-cv_3p"))
        assert [e.institution for e in draft.education] == ["POSTECH"]

    def test_every_english_kit_cv_lists_english(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        for stem in ("senior-swe_two-column_chromium_1p", "frontend-dev_barry-allen_moderncv_1p"):
            draft = provider.draft(cv_text(shared_data, stem))
            assert "English" in [lang.name for lang in draft.languages], stem
