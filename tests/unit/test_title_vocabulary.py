"""One title vocabulary: a title reads the same as a CV job and as an offer title."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.domain.matching.features import offer_features
from shared.domain.titles import strip_gender_tags, title_level
from tests.unit.matching_world import make_offer

# (title, the level both sides must read)
TITLES = [
    ("Associate Director, Data Science", "lead"),
    ("Senior Manager, Engineering", "lead"),
    ("Engineering Manager", "lead"),
    ("Director of Engineering", "executive"),
    ("VP Engineering", "executive"),
    ("Head of Product", "executive"),
    ("Chief Technology Officer", "executive"),
    ("Principal Engineer", "principal"),
    ("Staff Software Engineer", "lead"),
    ("Tech Lead", "lead"),
    ("Solutions Architect", "lead"),
    ("Senior Software Engineer", "senior"),
    ("Sr. Backend Developer", "senior"),
    ("Software Engineer II", "mid"),
    ("Junior Developer", "junior"),
    ("Associate Software Engineer", "junior"),
    ("Assistant Manager, Operations", "junior"),
    ("Software Engineering Intern", "intern"),
    ("Werkstudent Data Engineering (m/w/d)", "intern"),
    ("Product Manager", None),
    ("Software Engineer", None),
    ("B2B Partner Account Manager (m/f/x)", None),
]


def _cv_job_reading(title: str) -> tuple[str, str]:
    """The work-history title and the profile's seniority, from a CV whose one job is ``title``."""
    text = f"Jane Roe\n\nExperience\n{title}, Acme GmbH, Berlin, Germany, Jan 2025 - Present\n"
    draft = HeuristicProfileProvider(ManualClock(datetime(2026, 3, 1, tzinfo=UTC))).draft(text)
    assert len(draft.work_history) == 1, draft.work_history
    return draft.work_history[0].title, draft.seniority


@pytest.mark.parametrize(("title", "level"), TITLES)
def test_a_title_reads_the_same_on_the_cv_and_the_offer_side(title: str, level: str | None) -> None:
    cv_title, cv_seniority = _cv_job_reading(title)
    offer_seniority = offer_features(make_offer(1, title, "Python.")).seniority

    assert title_level(title) == level
    assert offer_seniority == level
    assert title_level(cv_title) == level
    # Without a stated level the CV falls back to its years (about one year here: junior).
    assert cv_seniority == (level or "junior")


@pytest.mark.parametrize(
    ("title", "stripped"),
    [
        ("KI-Entwickler (m/w/d)", "KI-Entwickler"),
        ("AI Developer (w/m/d)", "AI Developer"),
        ("Account Manager (m/f/x) - Berlin", "Account Manager - Berlin"),
        ("Designer (all genders)", "Designer"),
        ("Sales m/w/d", "Sales"),
        ("Frontend Engineer", "Frontend Engineer"),
    ],
)
def test_gender_tags_are_stripped(title: str, stripped: str) -> None:
    assert strip_gender_tags(title) == stripped
