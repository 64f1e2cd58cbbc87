"""The automaton extraction (decision 0112) reads every offer exactly as the previous one did.

The oracle is the previous code itself (tests/support/legacy_features.py), run on the same
input in the same test, so nothing here is a stored result.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.matching.features import description_parts, offer_features, title_tokens
from shared.domain.offers import JobOffer
from shared.domain.skills import _in_list_context, default_index, taxonomy_entries
from shared.domain.titles import role_families, title_level
from shared.sources.registry import adapter
from tests.support.cassette import responses
from tests.support.legacy_features import (
    _legacy_in_list_context,
    _role_families,
    _title_level,
    _title_tokens,
    legacy_index,
    legacy_offer_features,
)
from tests.support.legacy_features import description_parts as legacy_description_parts


def _kit_postings(shared_data: Path) -> list[JobOffer]:
    """Every posting of the kit's job payloads (the cassette's recorded body included)."""
    offers: list[JobOffer] = []
    for path in sorted((shared_data / "job-sources").rglob("*")):
        kind = path.parent.name
        if path.name.endswith(".vcr.yml"):
            for recorded in responses(path):
                offers += adapter(kind).parse(recorded.body, board=kind)
        elif path.is_file():
            offers += adapter(kind).parse(path.read_bytes(), board=kind)
    return offers


def _differences(offer: JobOffer) -> dict[str, tuple[object, object]]:
    new, old = offer_features(offer), legacy_offer_features(offer)
    fields = (f.name for f in dataclasses.fields(new))
    return {n: (getattr(new, n), getattr(old, n)) for n in fields if getattr(new, n) != getattr(old, n)}


class TestSameFeaturesAsThePreviousExtraction:
    def test_every_kit_posting_gets_the_same_features(self, shared_data: Path, reading: str) -> None:
        offers = _kit_postings(shared_data)

        differ = {o.id: d for o in offers if (d := _differences(o))}

        assert len(offers) > 250  # every payload of the kit parsed
        assert differ == {}

    def test_every_kit_description_and_line_reads_the_same_skills(self, shared_data: Path) -> None:
        texts = [t for o in _kit_postings(shared_data) for t in (o.title, o.description_text)]
        texts += [line for t in texts for line in t.splitlines()]

        differ = [t[:80] for t in texts if default_index().scan(t) != legacy_index().scan(t)]

        assert differ == []

    def test_every_kit_description_is_cut_at_the_same_headers(self, shared_data: Path) -> None:
        texts = [o.description_text for o in _kit_postings(shared_data)]
        texts += ["Nice to have:\nGo\nRequirements\n- Python\nnice-to-have and bonus: Rust", "Bonus"]

        differ = [t[:80] for t in texts if description_parts(t) != legacy_description_parts(t)]

        assert differ == []

    @pytest.mark.parametrize(
        "text",
        [
            "We use Python, Go and SQL.",
            "Let's go to the office. Go is fun",
            "Machine-learning with PyTorch; CI/CD on GitHub Actions.",
            "Machine,  learning and machine\n\n   learning",
            "React Native apps, React Native and React",
            "React Native apps and React",
            "Node.js and Vue.js. Also .NET and C++ and C#.",
            "Kenntnisse in Java – Spring Boot • Docker, Künstliche Intelligenz, Datenbanken",
            "Erfahrung mit „Kubernetes“ und ‚Terraform‘ · Go · R · C",
            "Amazon\u00a0Web\u00a0Services and amazon web services and AWS",
            "AI, ML and QA: AI/ML, ai, Ml",
            "Spring Boot and Spring\nBoot and Spring",
            "Rust, rust and RUST; Swift and swift",
            "TS\u2014TypeScript\u2013Type\u2011Script",
            "",
            "   ",
            "Python. Java.. Go... R.",
        ],
    )
    def test_edge_cases_read_the_same_skills(self, text: str) -> None:
        assert default_index().scan(text) == legacy_index().scan(text)


def _alias_words() -> list[str]:
    words = set()
    for entry in taxonomy_entries():
        kinds = ("aliases", "cased", "listed")
        for alias in (entry["name"], *(a for kind in kinds for a in entry.get(kind, []))):
            words.update(alias.replace("-", " ").split())
            words.add(alias)
    return sorted(words)


_GLUE = st.sampled_from(
    [" ", "  ", ", ", ". ", ".", "-", " - ", "\n", "\n• ", " – ", "/", "(", ") ", "’s ", "\u00a0", ": ", "\t"]
)
_WORD = st.one_of(
    st.sampled_from(_alias_words()),
    st.sampled_from(["and", "or", "with", "the", "Go", "go", "AI", "Über", "straße", "x"]),
)


class TestSameSkillsOnGeneratedText:
    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(_WORD, _GLUE), max_size=12))
    def test_alias_words_in_any_order_and_punctuation(self, pieces: list[tuple[str, str]]) -> None:
        text = "".join(w + g for w, g in pieces)
        assert default_index().scan(text) == legacy_index().scan(text)

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(_WORD.map(str.upper), _GLUE), max_size=8))
    def test_upper_case_text(self, pieces: list[tuple[str, str]]) -> None:
        text = "".join(w + g for w, g in pieces)
        assert default_index().scan(text) == legacy_index().scan(text)


_TITLE_WORD = st.sampled_from(
    "Senior Sr. Lead KI Entwickler Softwareentwickler (m/w/d) m/w/d (w/m/d) (all genders) Front-End "
    "Full-Stack Data Scientist Développeur Ingénieur Müller Geschäftsführer Werkstudent ML AI "
    "Engineer/Developer – — | , ( ) Praktikant*in Teamleiter ſenior İstanbul".split()
)


class TestSameTitleReading:
    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(_TITLE_WORD, max_size=7).map(" ".join))
    def test_generated_titles_read_the_same(self, title: str) -> None:
        new = (title_tokens(title), role_families(title), title_level(title))
        assert new == (_title_tokens(title), _role_families(title), _title_level(title))


class TestSameListContext:
    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(_WORD, _GLUE), min_size=1, max_size=8), st.data())
    def test_any_span_reads_the_same(self, pieces: list[tuple[str, str]], data: st.DataObject) -> None:
        text = "".join(w + g for w, g in pieces) + data.draw(st.sampled_from(["", " \t", "\r\n", " and"]))
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        assert _in_list_context(text, start, end) == _legacy_in_list_context(text, start, end)
