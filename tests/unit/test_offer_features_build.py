"""How offer features are assembled: the record, the offer's id, tags and skill weights.

The features themselves are checked against the previous extraction in
test_offer_features_equivalence.py; these tests hold the shortcuts that assembly takes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.matching.features import OfferFeatures, description_skills, offer_features, skill_table
from shared.domain.offers import JobOffer, offer_id
from shared.domain.skills import default_index, default_matcher, taxonomy_entries
from tests.support.legacy_features import legacy_offer_features
from tests.unit.test_offer_features_equivalence import _WORD, _kit_postings


def _offer(**changes: object) -> JobOffer:
    fields: dict[str, object] = {
        "source_kind": "lever",
        "board": "acme",
        "external_id": "1",
        "title": "Senior Python Engineer (m/w/d)",
        "company": "Acme",
        "url": "https://jobs.invalid/1",
        "description_text": "Requirements\n- Python and SQL\nNice to have\n- Go and Communication",
        "tags": ["Backend", "ci-cd", "Kubernetes"],
    }
    return JobOffer.create(**(fields | changes))


class TestTheRecord:
    def test_is_a_frozen_offer_features_equal_to_one_built_field_by_field(self) -> None:
        features = offer_features(_offer())

        assert type(features) is OfferFeatures
        with pytest.raises(dataclasses.FrozenInstanceError):
            features.title = "changed"  # type: ignore[misc]
        assert features == dataclasses.replace(features)
        assert repr(features).startswith("OfferFeatures(offer_id=")

    def test_an_unhashable_record_as_before(self) -> None:
        with pytest.raises(TypeError):
            hash(offer_features(_offer()))  # its weights are a dict

    def test_required_wins_over_nice_and_soft_skills_do_not_count(self) -> None:
        features = offer_features(_offer(description_text="Python\nNice to have: Go, Python, communication"))

        assert "python" in features.required
        assert features.nice == frozenset({"go"})
        assert "communication" not in features.weights
        required = sum(features.weights[k] for k in features.required)
        assert features.skill_total == pytest.approx(2 * required + features.weights["go"])


class TestTheSkillTable:
    def test_weights_by_category_and_no_soft_skills(self) -> None:
        table = skill_table(
            [
                {"name": "Python", "category": "language"},
                {"name": "Scrum", "category": "methodology"},
                {"name": "Teamwork", "category": "soft"},
            ]
        )

        assert table.counted == {"Python", "Scrum"}
        assert table.weighted == {"Python": ("python", 1.0), "Scrum": ("scrum", 0.4)}

    def test_names_that_differ_only_in_case_are_refused(self) -> None:
        with pytest.raises(ValueError, match="differ only in case"):
            skill_table([{"name": "Go", "category": "language"}, {"name": "GO", "category": "tool"}])

    def test_the_shared_taxonomy_builds(self) -> None:
        assert len(skill_table(taxonomy_entries()).counted) > 400


class TestTheOfferId:
    def test_is_the_hash_of_kind_board_and_external_id(self) -> None:
        offer = _offer()

        assert offer.id == offer.id == offer_id("lever", "acme", "1")

    def test_a_copy_with_another_external_id_has_its_own_id(self) -> None:
        offer = _offer()
        first = offer.id

        copied = offer.model_copy(update={"external_id": "2"})

        assert copied.id == offer_id("lever", "acme", "2") != first
        assert offer.id == first

    def test_reading_it_changes_neither_equality_nor_the_stored_form(self) -> None:
        read, unread = _offer(), _offer()
        assert read.id

        assert read == unread
        assert unread == read
        assert read.model_dump(mode="json") == unread.model_dump(mode="json")
        assert read.model_dump_json() == unread.model_dump_json()


_KNOWN = st.sampled_from(["python", "ci-cd", "CI/CD", "node.js", "machine learning", "k8s", "react native"])
_TAG = st.one_of(
    _KNOWN,
    # a known name with a space, a hyphen or the separator the lookups join names with at either end
    st.builds(
        "".join,
        st.tuples(st.sampled_from(["", " ", "-", "\x00"]), _KNOWN, st.sampled_from(["", " ", "-"])),
    ),
    st.text(alphabet=" -\t\x00aAbBcé.+#\u00a0", max_size=8),
)


class TestCanonicalTags:
    def test_every_kit_offer_tag_resolves_as_one_by_one(self, shared_data: Path) -> None:
        matcher = default_matcher()
        tags = [o.tags for o in _kit_postings(shared_data)]

        assert [matcher.canonical_all(t) for t in tags] == [list(map(matcher.canonical, t)) for t in tags]
        assert sum(map(len, tags)) > 1000

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(_TAG, max_size=6))
    def test_any_names_resolve_as_one_by_one(self, names: list[str]) -> None:
        matcher = default_matcher()
        assert matcher.canonical_all(names) == [matcher.canonical(n) for n in names]


def _one_line_reading(title: str) -> set[str]:
    return {skill.name for _, found in description_skills(title) for skill in found}


_HEADERS = st.sampled_from(["Requirements", "Nice to have", "Bonus:", "What you", "- ", "Von Vorteil", " "])


class TestTitleSkills:
    """A one-line title, read as a description (offer_features does), names what ``scan`` names."""

    def test_every_kit_title(self, shared_data: Path, reading: str) -> None:
        titles = [o.title for o in _kit_postings(shared_data)]

        differ = [t for t in titles if _one_line_reading(t) != set(default_index().scan(t))]

        assert differ == []

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(title=st.lists(st.one_of(_WORD, _HEADERS), max_size=8).map(" ".join))
    def test_generated_titles_with_header_phrases(self, title: str, reading: str) -> None:
        assert _one_line_reading(title) == set(default_index().scan(title))

    def test_a_title_of_several_lines_is_scanned_whole(self, reading: str) -> None:
        # read as a description, the second line (a nice-to-have header) would cut the skill in two
        offer = _offer(title="Machine\nLearning bonus", description_text="Requirements: SQL")

        assert {"machine learning", "sql"} <= offer_features(offer).required
        assert offer_features(offer).to_record() == legacy_offer_features(offer).to_record()
