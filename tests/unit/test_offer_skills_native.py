"""Offer skill fields counted by the compiled reader (decision 0096) are the Python reading's.

``offer_features`` takes its skill fields (required, nice to have, names, weights, total) from
one call of the compiled reader when it is built; the oracle is the part-by-part Python reading
(``_skill_fields_in_python`` with the compiled reader turned off), run on the same offer in the
same test. ``offers_features`` is ``offer_features`` of each offer. Without the extension the
native tests skip with a reason, and fail under ``CI``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.matching import features
from shared.domain.matching.features import offer_features, offers_features, use_native_reading
from shared.domain.native_reading import DescriptionReader, SkillFields, description_reader
from shared.domain.offers import JobOffer
from shared.domain.skills import Skill, default_index, default_matcher
from tests.unit.test_offer_features_equivalence import _GLUE, _WORD, _kit_postings

_HEADER = st.sampled_from(["Requirements:", "Nice to have", "• Bonus", "Von Vorteil", "Dein Profil"])
_TAGS = st.lists(
    st.sampled_from(["python", "Go", "k8s", "communication", "Agile", "no such skill", "", "React Native"]),
    max_size=5,
)


def _python_fields(offer: JobOffer) -> SkillFields:
    use_native_reading(False)
    try:
        return features._skill_fields_in_python(offer)
    finally:
        use_native_reading(True)


def _native_fields(offer: JobOffer) -> SkillFields:
    use_native_reading(True)
    return features._skill_fields(offer)


def _offer(base: JobOffer, description: str, title: str, tags: list[str]) -> JobOffer:
    return base.model_copy(update={"description_text": description, "title": title, "tags": tags})


@pytest.mark.usefixtures("reader")
class TestSameFieldsAsPython:
    def test_every_kit_posting(self, shared_data: Path) -> None:
        offers = _kit_postings(shared_data)

        differ = [o.title for o in offers if _native_fields(o) != _python_fields(o)]

        assert len(offers) > 250
        assert sum(bool(_native_fields(o)[1]) for o in offers) > 5  # some name nice-to-have skills
        assert differ == []

    def test_the_compiled_reader_counts_every_kit_posting(
        self, reader: DescriptionReader, shared_data: Path
    ) -> None:
        offers = _kit_postings(shared_data)
        matcher = default_matcher()  # the tags' skills, as offer features find them

        fields = [
            reader.offer_skills(o.description_text, o.title, filter(None, matcher.canonical_all(o.tags)))
            for o in offers
        ]

        assert None not in fields  # no posting falls back to the Python reading

    @settings(max_examples=250, deadline=None, derandomize=True)
    @given(
        st.lists(st.one_of(st.tuples(_WORD, _GLUE), st.tuples(_HEADER, st.just("\n"))), max_size=12),
        st.lists(st.tuples(_WORD, _GLUE), max_size=4),
        _TAGS,
    )
    def test_generated_offers(
        self,
        description: list[tuple[str, str]],
        title: list[tuple[str, str]],
        tags: list[str],
    ) -> None:
        base = _kit_postings_cached()[0]
        offer = _offer(
            base, "".join(w + g for w, g in description), " ".join(w for w, _ in title).strip(), tags
        )

        assert _native_fields(offer) == _python_fields(offer)

    @pytest.mark.parametrize(
        ("description", "title", "tags"),
        [
            ("", "", []),
            ("Nice to have\nPython", "Python Developer", []),  # the title makes it required
            ("Requirements:\nGo, Rust\nNice to have: Rust, Kubernetes", "Engineer", ["kubernetes"]),
            ("Communication and Agile", "Scrum Master", ["communication"]),  # soft skills not counted
            ("Python", "Senior Python\nDeveloper (m/w/d)", []),  # a title of two lines: Python reading
            ("Go, \udcff and Rust", "Go Entwickler", ["Go", "Go"]),
        ],
    )
    def test_edge_cases(self, description: str, title: str, tags: list[str]) -> None:
        offer = _offer(_kit_postings_cached()[0], description, title, tags)

        assert _native_fields(offer) == _python_fields(offer)


class TestOffersFeatures:
    def test_is_offer_features_of_each_offer(self, reading: str, shared_data: Path) -> None:
        offers = _kit_postings(shared_data)

        assert offers_features(offers) == [offer_features(o) for o in offers]
        assert offers_features([]) == []


@pytest.mark.usefixtures("reader")
class TestFallsBackToPython:
    def test_a_part_handed_back(self, reader: DescriptionReader) -> None:
        handed_back = b"Go, \xc3 R"  # a listed word beside bytes that are not UTF-8 (decision 0092)

        assert reader._reader.offer_skills(handed_back, "", []) is None
        # the marks of the abandoned reading are cleared: the next offer counts only its own
        assert reader._reader.offer_skills("Rust", "", [])[0] == frozenset({"rust"})

    def test_a_tag_skill_the_reader_does_not_know(self, reader: DescriptionReader) -> None:
        unknown = Skill(name="Not A Taxonomy Skill", category="language")

        assert reader.offer_skills("Python", "Developer", [unknown]) is None


@pytest.mark.usefixtures("reader")
class TestCompiledContract:
    def test_the_table_is_set_once(self, reader: DescriptionReader) -> None:
        with pytest.raises(RuntimeError):
            reader.count_skills({}, frozenset())

    def test_counting_needs_the_table(self) -> None:
        fresh = description_reader(default_index(), [b"requirements"], 1)
        assert fresh is not None

        with pytest.raises(RuntimeError):
            fresh.offer_skills("Python", "", [])
        with pytest.raises(RuntimeError):
            fresh._reader.offer_skills("Python", "", [])

    def test_rejects_tags_out_of_range(self, reader: DescriptionReader) -> None:
        with pytest.raises(ValueError, match="tags"):
            reader._reader.offer_skills("Python", "", [10**6])
        with pytest.raises(ValueError, match="tags"):
            reader._reader.offer_skills("Python", "", [-1])
        with pytest.raises(TypeError):
            reader._reader.offer_skills(12, "", [])  # type: ignore[arg-type]

    def test_holds_no_reference_to_what_it_returns(self, reader: DescriptionReader) -> None:
        first = reader._reader.offer_skills("Python and Go\nNice to have: Rust", "", [])
        assert first is not None
        pair = first[2][1]  # ("python", "Python"), the reader's own objects
        name, weight = pair[0], first[3]["python"]
        before = [sys.getrefcount(x) for x in (name, pair, weight)]

        for _ in range(200):
            reader._reader.offer_skills("Python and Go\nNice to have: Rust", "Python", [])

        assert [sys.getrefcount(x) for x in (name, pair, weight)] == before


_CACHE: list[JobOffer] = []


def _kit_postings_cached() -> list[JobOffer]:
    """One kit posting to copy generated text into (hypothesis runs the test many times)."""
    if not _CACHE:
        _CACHE.append(
            JobOffer.create(
                source_kind="greenhouse",
                board="acme",
                external_id="1",
                title="Engineer",
                company="Acme",
                url="https://jobs.example.com/1",
                description_text="",
            )
        )
    return _CACHE
