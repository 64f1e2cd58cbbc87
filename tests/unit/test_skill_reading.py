"""The byte-level reading behind offer features (decision 0091): folded words, parts, list context.

Each helper is checked against the reading it replaces (run on the same input in the same test)
and on the cases a posting actually has: C++, C#, .NET, Node.js, "Go" against "go", multi-word
aliases over single words, German headers, no headers, empty and non-ASCII text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.matching.features import description_parts, offer_features, part_starts
from shared.domain.offers import JobOffer
from shared.domain.skills import (
    _key,
    _listed_utf8,
    _listed_word,
    _utf8_words,
    canonical,
    default_index,
    default_matcher,
    folded_words,
)
from tests.support.legacy_features import description_parts as legacy_description_parts
from tests.support.legacy_features import legacy_index


def _names(text: str) -> set[str]:
    return set(default_index().scan(text))


def _offer(description: str, title: str = "Engineer", tags: tuple[str, ...] = ()) -> JobOffer:
    return JobOffer.create(
        source_kind="greenhouse",
        board="acme",
        external_id="1",
        title=title,
        company="Acme",
        url="https://example.com/jobs/1",
        description_text=description,
        tags=list(tags),
    )


class TestFoldedWords:
    def test_every_byte_stays_where_it_was(self) -> None:
        data = "Senior Go–Entwickler: „Kubernetes“ · Straße\u00a0AI. C++/C#, .NET".encode()

        words = folded_words(data)

        assert len(words) == len(data) + 2
        assert words[0] == words[-1] == ord(" ")
        kept = [i for i in range(len(data)) if words[i + 1] != ord(" ")]
        assert all(words[i + 1] == data[i] or words[i + 1] == data[i] + 32 for i in kept)

    def test_reads_the_same_words_as_the_word_list(self) -> None:
        data = "Python. Java.. Go... R. Machine-learning, AI/ML – Node.js; Über\u00a0uns".encode()

        ours = folded_words(data).replace(b". ", b"  ").split()

        assert ours == _utf8_words(data).lower().split()

    def test_unicode_separators_become_spaces_of_the_same_width(self) -> None:
        assert folded_words("a\u2013b\u00a0c".encode()) == b" a   b  c "


class TestScanCases:
    def test_cpp_csharp_dotnet_and_node(self) -> None:
        assert _names("We use C++, C# and .NET, and Node.js.") == {"C++", "C#", ".NET", "Node.js"}

    def test_go_needs_its_capital_and_a_list(self) -> None:
        assert "Go" not in _names("Let's go to the office. Go is fun")
        assert "Go" in _names("We use Python, Go and SQL.")

    def test_a_multi_word_alias_hides_its_words_only_where_it_is_mentioned(self) -> None:
        assert _names("React Native apps") == {"React Native"}
        assert _names("React Native apps and React") == {"React Native", "React"}

    def test_words_of_an_alias_apart_by_punctuation_and_line_breaks(self) -> None:
        assert "Machine learning" in _names("Machine,\n\n  learning")
        assert "Machine learning" in _names("Machine. Learning")
        assert "Machine learning" in _names("machine . . learning")  # lone dots end sentences
        assert "Machine learning" not in _names("machine .. learning")  # ".." is a word

    def test_non_ascii_text(self) -> None:
        found = _names("Erfahrung mit „Kubernetes“ und ‚Terraform‘ · Künstliche Intelligenz")

        assert {"Kubernetes", "Terraform"} <= found

    def test_empty_and_blank_text(self) -> None:
        assert _names("") == set()
        assert _names("  \n\t ") == set()


class TestScanParts:
    def test_each_part_reads_as_if_alone(self, shared_data: Path) -> None:
        from tests.unit.test_offer_features_equivalence import _kit_postings

        index = default_index()
        texts = [o.description_text for o in _kit_postings(shared_data)]
        differ = []
        for text in texts:
            data = text.encode("utf-8", "replace")
            starts, _ = part_starts(data)
            alone = [index.scan_utf8(part) for part, _ in description_parts(text)]
            if index.scan_parts(data, starts) != alone:
                differ.append(text[:80])

        assert differ == []

    def test_a_part_at_the_very_end_and_a_one_line_text(self) -> None:
        index = default_index()
        data = b"Requirements\nPython\nNice to have\nRust"

        assert index.scan_parts(data, [0, 13, 20]) == [
            index.scan_utf8(data[:13]),
            index.scan_utf8(data[13:20]),
            index.scan_utf8(data[20:]),
        ]
        assert index.scan_parts(b"Python", [0]) == [index.scan_utf8(b"Python")]

    def test_parts_must_start_at_line_starts(self) -> None:
        with pytest.raises(ValueError, match="line breaks"):
            default_index().scan_parts(b"Python and Go\nRust", [0, 3])
        with pytest.raises(ValueError, match="line breaks"):
            default_index().scan_parts(b"Python\nRust", [7])


_HEADER_LINE = st.sampled_from(
    [
        "Requirements:", "- Nice to have", "Wünschenswert", "Dein Profil", "Ihr Profil:",
        "What you bring", "About you will", "• Bonus points", "Preferred qualifications",
        "Minimum qualifications (preferred qualifications are a plus)", "Aufgaben", "Benefits",
        "Python, Go and SQL", "Kubernetes is a plus", "We use Rust", "", "   - Docker",
        "Über uns: Anforderungen", "would be nice to have: Terraform", "Von Vorteil: AWS",
    ]
)  # fmt: skip


class TestParts:
    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(_HEADER_LINE, max_size=10).map("\n".join))
    def test_generated_descriptions_are_cut_as_before(self, text: str) -> None:
        assert description_parts(text) == legacy_description_parts(text)

    @pytest.mark.usefixtures("reading")
    def test_german_headers(self) -> None:
        features = offer_features(_offer("Deine Aufgaben:\n- Python\nWünschenswert:\n- Kubernetes\n"))

        assert features.required == {"python"}
        assert features.nice == {"kubernetes"}

    @pytest.mark.usefixtures("reading")
    def test_no_headers_is_one_required_part(self) -> None:
        features = offer_features(_offer("We build with Python and Kubernetes."))

        assert part_starts(b"We build with Python and Kubernetes.") == ([0], [False])
        assert features.required == {"python", "kubernetes"}
        assert features.nice == frozenset()

    @pytest.mark.usefixtures("reading")
    def test_empty_description(self) -> None:
        features = offer_features(_offer("", title="Python Engineer"))

        assert features.required == {"python"}
        assert features.nice == frozenset()


_LIST_GLUE = st.sampled_from(
    [" ", ", ", " and ", "\n", " • ", "(", ")", "/", "–", ". ", ".", "é", "ü", "\t", "-"]
)
_LIST_WORD = st.sampled_from(["AI", "Go", "R", "C", "ML", "AIR", "in", "Über", "für", "x", "AI.", "C++"])


class TestListedWord:
    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(_LIST_WORD, _LIST_GLUE), max_size=8), st.sampled_from(["AI", "Go", "R", "C"]))
    def test_reads_as_the_text_version(self, pieces: list[tuple[str, str]], word: str) -> None:
        text = "".join(w + g for w, g in pieces)

        assert _listed_utf8(text.encode(), word.encode()) == _listed_word(text, word)

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(
        st.lists(st.tuples(_LIST_WORD.filter(str.isascii), _LIST_GLUE.filter(str.isascii)), max_size=8),
        st.sampled_from(["AI", "Go", "R", "C"]),
    )
    def test_ascii_text_judged_where_the_word_is_a_word(
        self, pieces: list[tuple[str, str]], word: str
    ) -> None:
        data = "".join(w + g for w, g in pieces).encode()
        reading = folded_words(data)
        spelled = re.escape(word.lower().encode())
        starts = [m.start() - 1 for m in re.finditer(rb"(?<= )" + spelled + rb"\.?(?= )", reading)]
        words_at = [at for at in starts if data[at : at + len(word)] == word.encode()]

        listed = _listed_utf8(data, word.encode(), words_at) if words_at else None

        assert listed in (None, _listed_word(data.decode(), word))

    def test_text_that_is_not_utf8_falls_back_to_its_decoding(self) -> None:
        data = b"\xff\xfeAI, Go"

        assert _listed_utf8(data, b"AI") == _listed_word(data.decode("utf-8", "replace"), "AI")


class TestCanonical:
    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.text(alphabet=st.sampled_from(list("Pyton-JS .\t\x1cNodejs+#k8K8 ")), max_size=14))
    def test_ascii_names_read_as_the_key_does(self, name: str) -> None:
        matcher = default_matcher()

        assert matcher.canonical(name) == matcher._canonical.get(_key(name))

    def test_spellings(self) -> None:
        assert canonical(" Machine-Learning ") == canonical("machine learning") is not None
        assert canonical("K8s") == canonical("Kubernetes")
        assert canonical("Machine\u00a0learning") == canonical("machine learning")  # not ASCII
        assert canonical("Pythön") is None


class TestSameAsTheWordList:
    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "data",
                        "science",
                        "Data",
                        "machine",
                        "learning",
                        "google",
                        "cloud",
                        "platform",
                        "react",
                        "native",
                        "React",
                        "Go",
                    ]
                ),
                st.sampled_from([" ", "  ", ". ", " . ", ", ", "\n- ", ".", "–"]),
            ),
            max_size=10,
        )
    )
    def test_repeated_and_back_to_back_aliases(self, pieces: list[tuple[str, str]]) -> None:
        text = "".join(w + g for w, g in pieces)

        assert default_index().scan(text) == legacy_index().scan(text)
