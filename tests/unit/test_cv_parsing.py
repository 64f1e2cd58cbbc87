"""The heuristic provider's building blocks: date ranges, merged experience, sections."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.cv.dates import find_ranges, month_index, reference_month, total_years
from shared.domain.cv.sections import heading_kind, split_sections
from shared.domain.cv.work import seniority
from shared.domain.titles import title_level

TODAY = date(2026, 1, 15)


class TestDateRanges:
    @pytest.mark.parametrize(
        ("text", "start", "end", "current"),
        [
            ("Jan 2019 - Present", "2019-01", None, True),
            ("2012 – 2017", "2012", "2017", False),
            ("Sep. 2023 - Mar. 2024", "2023-09", "2024-03", False),
            ("enero de 2020 - actualidad", "2020-01", None, True),
            ("03/2019 - 05/2021", "2019-03", "2021-05", False),
            ("2017 –\nPresent", "2017", None, True),
            ("January 2010 – May\n\n2010", "2010-01", "2010-05", False),
        ],
    )
    def test_parses_common_forms(self, text: str, start: str, end: str | None, current: bool) -> None:
        (found,) = find_ranges(text)

        assert (found.start_label, found.end_label, found.current) == (start, end, current)

    def test_a_dash_ending_the_line_is_an_open_range(self) -> None:
        (found,) = find_ranges("June 2022 –\n\nSoftware Engineer, Google")

        assert found.current

    def test_phone_numbers_and_single_dates_are_not_ranges(self) -> None:
        assert find_ranges("(919) 123-4567 · Summer 2017 · May 2014 | Ithaca") == []


class TestTotalYears:
    def test_overlapping_jobs_count_once(self) -> None:
        ranges = find_ranges("Jan 2018 - Dec 2019\nJun 2019 - Dec 2020")

        assert total_years(ranges, month_index(2026, 1)) == 3.0

    def test_gaps_are_not_counted(self) -> None:
        ranges = find_ranges("Jan 2010 - Dec 2010\nJan 2015 - Dec 2015")

        assert total_years(ranges, month_index(2026, 1)) == 2.0

    def test_present_runs_to_the_reference_month(self) -> None:
        ranges = find_ranges("Jan 2024 - Present")

        assert total_years(ranges, reference_month("", TODAY)) == 2.1

    def test_no_ranges_means_unknown(self) -> None:
        assert total_years([], month_index(2026, 1)) is None

    @pytest.mark.parametrize(
        ("text", "year"),
        [("Last Updated on 21st January 2015", 2015), ("Anticipated Graduation: December 2010", 2010)],
    )
    def test_a_self_dated_cv_moves_present_back(self, text: str, year: int) -> None:
        # The reference is exclusive: the month after the last month "Present" covers.
        assert (reference_month(text, TODAY) - 1) // 12 == year


class TestSections:
    @pytest.mark.parametrize(
        ("line", "kind"),
        [
            ("WORK EXPERIENCE", "experience"),
            ("Professional Experience", "experience"),
            ("Experiencia", "experience"),
            ("Formación académica", "education"),
            ("Idiomas", "languages"),
            ("Certificates", "certifications"),
            ("Summary:", "summary"),
            ("Publications", "other"),
        ],
    )
    def test_recognises_english_and_spanish_headings(self, line: str, kind: str) -> None:
        assert heading_kind(line) == kind

    def test_sentences_are_not_headings(self) -> None:
        assert heading_kind("Gained experience in distributed systems at scale") is None

    def test_splits_text_into_header_and_sections(self) -> None:
        text = "Jane Roe\nEngineer\nExperience\nDev, Acme, 2020 - Present\nSkills\nPython"

        kinds = [(s.kind, s.lines) for s in split_sections(text)]

        assert kinds == [
            ("header", ("Jane Roe", "Engineer")),
            ("experience", ("Dev, Acme, 2020 - Present",)),
            ("skills", ("Python",)),
        ]


class TestSeniority:
    @pytest.mark.parametrize(
        ("title", "level"),
        [
            ("Senior Software Engineer", "senior"),
            ("Software Engineering Intern", "intern"),
            ("Director of Data Science", "executive"),
            ("Principal Engineer", "principal"),
            ("Tech Lead", "lead"),
            ("Junior Developer", "junior"),
            ("Software Engineer", None),
        ],
    )
    def test_title_levels(self, title: str, level: str | None) -> None:
        assert title_level(title) == level

    def test_highest_stated_title_level_wins(self) -> None:
        assert seniority(["Software Engineer", "Staff Engineer"], 3.0) == "lead"

    @pytest.mark.parametrize(
        ("years", "level"), [(None, "unknown"), (1.0, "junior"), (3.5, "mid"), (8.0, "senior")]
    )
    def test_years_decide_when_titles_say_nothing(self, years: float | None, level: str) -> None:
        assert seniority(["Software Engineer"], years) == level
