"""The one-pass title reading (decision 0113) reads every title as the per-rule regexes did.

The oracle is the previous code itself (tests/support/legacy_titles.py: one regex search per
rule over the same vocabulary), run on the same input in the same test, so nothing here is a
stored result.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.domain.matching.features import folded_title_tokens, offer_features, title_tokens
from shared.domain.phrase_rules import (
    FirstAndMatching,
    PhraseRules,
    _expand,
    _split_alternatives,
    _Unsupported,
    casefree_key,
)
from shared.domain.titles import (
    _FAMILY_RULES,
    _RULES,
    _TABLE_RANGES,
    _family_rules,
    _fold_accents_fully,
    _level_rules,
    fold_accents,
    fold_title,
    folded_title_families,
    read_title,
    role_families,
    strip_gender_tags,
    title_level,
)
from tests.support import legacy_titles as legacy
from tests.unit.matching_world import make_offer
from tests.unit.test_offer_features_equivalence import _kit_postings

EDGE_TITLES = [
    "",
    " ",
    "(m/w/d)",
    "Entwickler (m/w/d)",
    "KI-Entwickler (m/w/d)",
    "Softwareentwickler (w/m/d)",
    "Senior-Entwickler",
    "Associate Director",
    "Associate Director, Data Science",
    "Senior Manager",
    "Sr. Manager, Sales",
    "Sr.engineer",
    "Assistant Manager",
    "Co-Founder & CTO",
    "Mid-Level Backend Engineer",
    "Geschäftsführer:in",
    "Praktikant*in Marketing",
    "ſenior Developer",
    "İstanbul ınternship",
    "Développeur Full-Stack",
    "Ingénieur·e logiciel",
    "Müller ¨ Ärztin",
    "한국 개발자 (m/w/d)",
    "C++ / C# Developer",
    "ASP.NET Developer",
    "Node.js Engineer",
    "React Native Developer",
    "Security Specialist",
    "Level Designer",
    "Artist Manager",
    "AI Specialist Engineer",
    "AI Specialist Trainer",
    "Head of Platform Engineering",
    "SAP FI Consultant",
    "Machine-Learning Engineer",
    "ML/AI Engineer",
    "LLM Research Scientist",
    "Lehrer/Lehrerin Mathematik",
    "Grundschullehrkraft",
    "QA Engineer",
    "UX/UI Designer",
    "HR Business Partner",
    "Fellows Program",
    "Labelling Specialist",
    "E-Commerce Manager",
    "Pen Tester",
    "data scientists+",
    "annotator#1",
    "Front End Dev",
    "ENGINEER\tII\n",
]


def _reading(title: str) -> tuple[object, ...]:
    reading = read_title(title)
    return (
        fold_title(title),
        role_families(title),
        title_level(title),
        title_tokens(title),
        reading.folded,
        reading.families,
        reading.level,
        folded_title_tokens(reading.folded),
    )


def _legacy_reading(title: str) -> tuple[object, ...]:
    folded, tokens = legacy.fold_title(title), legacy.title_tokens(title)
    families, level = legacy.role_families(title), legacy.title_level(title)
    return (folded, families, level, tokens, folded, families, level, tokens)


def _differences(titles: list[str]) -> dict[str, tuple[object, object]]:
    return {t: (new, old) for t in titles if (new := _reading(t)) != (old := _legacy_reading(t))}


def _kit_titles(shared_data: Path) -> list[str]:
    return [offer.title for offer in _kit_postings(shared_data)]


def _cv_lines(shared_data: Path) -> list[str]:
    """Every line of every readable kit CV: headlines and job titles among them."""
    lines: list[str] = []
    for path in sorted((shared_data / "resumes").glob("*.pdf")):
        if "edge_" in path.name or "ENCRYPTED" in path.name:
            continue
        text = PyMuPdfExtractor().extract(path.read_bytes(), max_pages=50, max_chars=200_000).text
        lines += [line for line in text.splitlines() if line.strip()]
    return lines


class TestSameReadingAsTheRegexes:
    def test_every_kit_posting_title(self, shared_data: Path) -> None:
        titles = _kit_titles(shared_data)

        assert len(titles) > 250
        assert _differences(titles) == {}

    def test_every_line_of_the_kit_cvs(self, shared_data: Path) -> None:
        lines = _cv_lines(shared_data)

        assert len(lines) > 300
        assert _differences(lines) == {}

    @pytest.mark.parametrize("title", EDGE_TITLES)
    def test_edge_cases(self, title: str) -> None:
        assert _reading(title) == _legacy_reading(title)

    def test_offer_features_carry_the_same_title_reading(self) -> None:
        for title in filter(None, EDGE_TITLES):
            features = offer_features(make_offer(1, title, "Python."))
            assert (features.title_tokens, features.families, features.seniority) == (
                legacy.title_tokens(title),
                legacy.role_families(title),
                legacy.title_level(title),
            )


def _vocabulary() -> list[str]:
    """Every phrase the rules name (expanded where finite), and the words of the others."""
    words: set[str] = set()
    for _, pattern in (*_RULES, *_FAMILY_RULES):
        for alternative in _split_alternatives(pattern):
            core = alternative.removeprefix(r"\w*").removesuffix(r"\w*")
            try:
                words |= _expand(core.removeprefix(r"\b").removesuffix(r"\b"))
            except _Unsupported:  # a construct the reading leaves to the regex: its words
                words |= set(re.findall(r"[a-zäöüéáí]+", core))
    return sorted(w for w in words if w)


_PHRASE = st.sampled_from(_vocabulary())
_GLUE = st.sampled_from(
    [" ", "  ", "-", "/", ", ", " (m/w/d) ", ".", "+", "#", "_", "s ", "er ", "x", "&", " | ", "–"]
)
Case = Callable[[str], str]
_CASE: st.SearchStrategy[Case] = st.sampled_from([str, str.upper, str.title])


class TestSameReadingOnGeneratedTitles:
    @settings(max_examples=1500, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(_PHRASE, _GLUE, _CASE), max_size=5))
    def test_phrases_of_the_vocabulary_in_any_order_and_glue(
        self, pieces: list[tuple[str, str, Case]]
    ) -> None:
        title = "".join(case(phrase) + glue for phrase, glue, case in pieces)
        assert _reading(title) == _legacy_reading(title)

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=30))
    def test_any_text(self, title: str) -> None:
        assert _reading(title) == _legacy_reading(title)


_TAG_PIECE = st.sampled_from(
    [*"mwfdxhiMWDX*/|, ()-_", "  ", "\t", "m/w/d", "M / W / D", "f/x", "(m/w/d)", "(all genders)",
     "gn*", "Dev", "é", "İ", "ı"]
)  # fmt: skip


class TestSameGenderTags:
    @settings(max_examples=1500, deadline=None, derandomize=True)
    @given(st.lists(_TAG_PIECE, max_size=14).map("".join))
    def test_gender_tags_strip_as_the_first_regex_did(self, title: str) -> None:
        assert strip_gender_tags(title) == legacy.strip_gender_tags(title)


class TestPhraseRules:
    def test_a_rule_matches_exactly_where_its_regex_does(self) -> None:
        rules = PhraseRules(
            [
                ("data", r"data scien\w*"),
                ("teach", r"\w*lehrer\w*|c\+\+"),
                ("lead", r"head of (?:\w+ )?engineering"),
            ],
            "+#",
        )
        for text, expected in [
            ("data scientist", {"data"}),
            ("data science+", set()),
            ("big data scientists", {"data"}),
            ("mathelehrerin", {"teach"}),
            ("+lehrer", set()),
            ("c++", {"teach"}),
            ("c+++", set()),
            ("head of platform engineering", {"lead"}),
            ("head of engineering", {"lead"}),
            ("head of big platform engineering", set()),
        ]:
            assert rules.matching(text) == expected, text

    def test_the_first_rule_wins(self) -> None:
        rules = PhraseRules(
            [("intern", r"intern"), ("senior", r"senior|sr\.?"), ("lead", r"lead")], "-", ignore_case=True
        )
        assert rules.first("Senior Lead", casefree_key("Senior Lead")) == "senior"
        assert rules.first("Sr. Intern", casefree_key("Sr. Intern")) == "intern"
        assert rules.first("Lead-Senior", casefree_key("Lead-Senior")) is None


class TestOnePassForLevelAndFamilies:
    """``FirstAndMatching`` reads what ``first`` and ``matching`` read apart (decision 0098)."""

    def _pair(self) -> tuple[PhraseRules, PhraseRules, FirstAndMatching]:
        first = PhraseRules(
            [("intern", r"intern\w*"), ("senior", r"senior|sr\.?"), ("lead", r"lead|head of (?:\w+ )?sales")],
            "-",
            ignore_case=True,
        )
        matching = PhraseRules(
            [
                ("data", r"data scien\w*"),
                ("teach", r"\w*lehrer\w*|c\+\+"),
                ("design", r"(?<!level )designer"),
            ],
            "+#",
        )
        return first, matching, FirstAndMatching(first, matching)

    @pytest.mark.parametrize(
        ("text", "other"),
        [
            ("Senior Data Scientist", "senior data scientist"),  # one text: read once for both
            ("Sr. Lead-Designer", "sr. lead designer"),  # two texts, joined by a line break
            ("Intern", "level designer"),
            ("Head of Inside Sales", "head of inside sales"),
            ("c++ senior", "c++ senior"),
            ("lehrer", "mathelehrerin"),
            ("Head of Engineering", "head of platform engineering"),
            ("senior", "senior+"),
            ("", ""),
            ("", "data science"),
            ("Lead", ""),
        ],
    )
    def test_the_same_answers_as_two_passes(self, text: str, other: str) -> None:
        first, matching, both = self._pair()
        key = casefree_key(text)

        assert both.read(text, key, other) == (first.first(text, key), matching.matching(other))

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(
        st.lists(st.tuples(_PHRASE, _GLUE, _CASE), max_size=4).map(
            lambda p: "".join(c(w) + g for w, g, c in p)
        )
    )
    def test_the_title_rules_on_generated_titles(self, title: str) -> None:
        text = strip_gender_tags(title)
        key, folded = casefree_key(text), fold_title(title)
        levels, families = _level_rules(), _family_rules()

        assert FirstAndMatching(levels, families).read(text, key, folded) == (
            levels.first(text, key),
            families.matching(folded),
        )

    def test_a_line_break_may_not_bound_a_phrase(self) -> None:
        with pytest.raises(ValueError, match="line break"):
            FirstAndMatching(PhraseRules([("a", "a")], "\n"), PhraseRules([("b", "b")], "+"))


class TestTheFastPathsAgreeWithUnicode:
    def test_the_case_free_key_sees_what_ignorecase_sees(self) -> None:
        """Every character IGNORECASE equates with a letter of the level rules keys to that letter."""
        letters = sorted({c for _, words in _RULES for c in words if c.isalpha()})
        everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
        for letter in letters:
            for hit in re.finditer(re.escape(letter), everything, re.IGNORECASE):
                assert casefree_key(hit.group()) == letter, hex(ord(hit.group()))
        key = casefree_key(everything)
        assert len(key) == len(everything)
        for c, k in zip(everything, key, strict=True):
            assert (c.isalnum() or c == "_") == (k.isalnum() or k == "_"), hex(ord(c))
            assert (c == "-") == (k == "-"), hex(ord(c))

    def test_str_split_splits_where_backslash_s_does(self) -> None:
        space = re.compile(r"\s")
        for c in range(sys.maxunicode + 1):
            assert bool(space.fullmatch(chr(c))) == chr(c).isspace(), hex(c)

    @pytest.mark.parametrize("keep_diaeresis", [True, False])
    def test_folding_each_character_alone_folds_the_whole(self, keep_diaeresis: bool) -> None:
        chars = [chr(c) for lo, hi in _TABLE_RANGES for c in range(lo, hi)]
        for c in chars:
            assert not unicodedata.combining(c)
        text = "".join(chars) + "".join(f"a{c}u{c}" for c in chars)
        assert fold_accents(text, keep_diaeresis=keep_diaeresis) == _fold_accents_fully(text, keep_diaeresis)

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=20), st.booleans())
    def test_folding_any_text(self, text: str, keep_diaeresis: bool) -> None:
        assert fold_accents(text, keep_diaeresis=keep_diaeresis) == _fold_accents_fully(text, keep_diaeresis)

    def test_families_of_a_folded_title(self) -> None:
        assert folded_title_families("senior python backend developer") == frozenset({"backend"})
