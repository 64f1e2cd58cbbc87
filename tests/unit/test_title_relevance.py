"""Title relevance: what the person does now and wants dominates; old roles fade; families and synonyms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.accounts import ProfileInputs
from shared.domain.matching.features import offer_features, profile_features
from shared.domain.matching.ranking import rank
from shared.domain.profiles import WorkItem
from shared.domain.titles import fold_title, role_families
from tests.unit.matching_world import make_offer, make_profile

AS_OF = datetime(2026, 3, 20, tzinfo=UTC)


def _ml_engineer() -> object:
    base = make_profile("ml", skills=("Python", "PyTorch", "SQL"))
    return base.model_copy(
        update={
            "headline": "Machine Learning Engineer",
            "preferences": base.preferences.model_copy(update={"target_roles": []}),
            "work_history": [
                WorkItem(title="Machine Learning Engineer", employer="Acme", start="2021-01", current=True),
                WorkItem(title="Junior Data Analyst", employer="Initech", start="2013-01", end="2015-06"),
            ],
        }
    )


class TestFamilies:
    @pytest.mark.parametrize(
        ("title", "families"),
        [
            ("KI-Entwickler (m/w/d)", {"ml_ai"}),
            ("Senior AI-Developer (m/w/d)", {"ml_ai"}),
            ("Softwareentwickler Testautomatisierung (m/w/d) Embedded", {"qa", "embedded"}),
            ("Webentwickler / Frontend Developer (m/w/d)", {"frontend"}),
            ("Senior Python Backend Engineer", {"backend"}),
            ("Senior Software Engineer Python Django PostgreSQL and Vue.js", {"fullstack"}),
            ("Staff Site Reliability Engineer", {"devops"}),
            ("Data Labeling Specialists", {"annotation"}),
            ("AI Trainer", {"annotation"}),
            ("iOS Engineer", {"mobile"}),
            ("Product Owner (w/m/d) für KI-Projekte", {"product"}),
            ("Grundschullehrerin", {"teaching"}),
            ("Lehrer (m/w/d) Mathematik", {"teaching"}),
            ("Account Executive - DACH", {"sales"}),
        ],
    )
    def test_titles_read_as_role_families(self, title: str, families: set[str]) -> None:
        assert set(role_families(title)) == families

    def test_folding_strips_gender_tags_and_maps_german_words(self) -> None:
        assert fold_title("KI-Entwickler (m/w/d)") == "ai developer"
        assert fold_title("Softwareentwickler (w/m/d)") == "software developer"


class TestRoleWeights:
    def test_the_current_role_outranks_an_old_role_of_another_family(self) -> None:
        offers = [
            make_offer(1, "Data Analyst", "SQL and dashboards."),
            make_offer(2, "AI Engineer", "Python and PyTorch."),
            make_offer(3, "Data Labeling Specialists", "Label images."),
            make_offer(4, "iOS Engineer", "Swift."),
            make_offer(5, "Senior AI Engineer", "LLM systems in Python."),
        ]
        ranked = rank(profile_features(_ml_engineer()), [offer_features(o) for o in offers], as_of=AS_OF)
        titles = [r.offer.title for r in ranked]

        assert set(titles[:2]) == {"AI Engineer", "Senior AI Engineer"}
        assert titles.index("Data Analyst") < titles.index("Data Labeling Specialists")
        assert ranked[0].explanation.components[1].evidence["closest_role_source"] in (
            "headline",
            "current_role",
        )

    def test_past_roles_weigh_less_with_age(self) -> None:
        roles = {r.label: r for r in profile_features(_ml_engineer()).roles if r.source == "past_role"}
        old = roles["Junior Data Analyst"]
        profile = _ml_engineer()
        recent = profile.model_copy(
            update={
                "work_history": [
                    profile.work_history[0],
                    WorkItem(title="Junior Data Analyst", employer="Initech", start="2024-01", end="2025-06"),
                ]
            }
        )
        recent_role = next(r for r in profile_features(recent).roles if r.source == "past_role")

        assert old.weight < recent_role.weight <= 0.8

    def test_target_roles_from_current_inputs_count_in_full(self) -> None:
        inputs = ProfileInputs(target_roles=["Data Engineer"])
        offer = offer_features(make_offer(1, "Data Engineer", "Spark and Airflow."))
        without = rank(profile_features(_ml_engineer()), [offer], as_of=AS_OF)[0]
        with_inputs = rank(profile_features(_ml_engineer(), inputs), [offer], as_of=AS_OF)[0]

        assert with_inputs.score > without.score
        title = with_inputs.explanation.components[1].evidence
        assert (title["closest_role"], title["closest_role_source"]) == ("Data Engineer", "target_role")
