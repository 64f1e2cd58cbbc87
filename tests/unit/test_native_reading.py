"""The compiled description reader (decision 0092) reads exactly what the Python reading reads.

The oracle is the Python reading itself (``description_skills`` with the compiled reader turned
off, ``folded_words``, ``part_starts``), run on the same input in the same test. Without the
extension these tests skip with a reason, and fail under ``CI``.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.matching import features
from shared.domain.matching.features import description_skills, part_starts, use_native_reading
from shared.domain.native_reading import DescriptionReader, description_reader
from shared.domain.skills import SkillIndex, default_index, folded_words, taxonomy_entries
from tests.unit.test_offer_features_equivalence import _GLUE, _WORD, _kit_postings

_HEADER = st.sampled_from(["Requirements:", "Nice to have", "• Bonus", "Von Vorteil", "  - What you bring"])
_Parts = list[tuple[bool, set[str]]]


def _both(text: str) -> tuple[_Parts, _Parts]:
    """(compiled, Python) readings of ``text``: each part's nice flag and skill names."""
    use_native_reading(True)
    native = [(nice, {s.name for s in skills}) for nice, skills in description_skills(text)]
    use_native_reading(False)
    python = [(nice, {s.name for s in skills}) for nice, skills in description_skills(text)]
    use_native_reading(True)
    return native, python


@pytest.mark.usefixtures("reader")
class TestSameReadingAsPython:
    def test_every_kit_description(self, shared_data: Path) -> None:
        texts = [o.description_text for o in _kit_postings(shared_data)]

        differ = [t[:80] for t in texts if (pair := _both(t))[0] != pair[1]]

        assert len(texts) > 250
        assert differ == []

    def test_every_kit_line_alone(self, shared_data: Path) -> None:
        lines = {line for o in _kit_postings(shared_data) for line in o.description_text.splitlines()}

        differ = [t[:80] for t in lines if (pair := _both(t))[0] != pair[1]]

        assert differ == []

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(_WORD, _GLUE), max_size=14))
    def test_alias_words_in_any_order_and_punctuation(self, pieces: list[tuple[str, str]]) -> None:
        text = "".join(w + g for w, g in pieces)
        native, python = _both(text)
        assert native == python

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(
        st.lists(
            st.one_of(
                st.tuples(_WORD, _GLUE),
                st.tuples(_HEADER, st.just("\n")),
            ),
            max_size=14,
        )
    )
    def test_generated_descriptions_with_headers(self, pieces: list[tuple[str, str]]) -> None:
        text = "".join(w + g for w, g in pieces)
        native, python = _both(text)
        assert native == python

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.text(st.sampled_from([*"GoCRTS ,.;:-/()\n\t\r\x00•–·äßſK\u00a0\u2009\udcff"]), max_size=80))
    def test_any_characters_around_listed_words(self, text: str) -> None:
        native, python = _both(text)
        assert native == python

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(
        st.lists(
            st.tuples(
                _WORD.map(lambda w: w.encode()),
                st.sampled_from(
                    [b" ", b", ", b"\n", b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\x80 "]
                ),
            ),
            max_size=12,
        )
    )
    def test_bytes_that_are_not_utf8(self, pieces: list[tuple[bytes, bytes]]) -> None:
        data = b"".join(w + g for w, g in pieces)
        reader = features._native_reader()
        assert reader is not None
        index = default_index()
        starts, nice = part_starts(data)
        expected = [(n, set(found)) for n, found in zip(nice, index.scan_parts(data, starts), strict=True)]
        words = folded_words(data)

        got = [
            (
                n,
                {s.name for s in skills}
                if skills is not None
                else set(index.scan_part(data, words, start, end)),
            )
            for n, skills, start, end in reader._reader.read(data)
        ]

        assert got == expected

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "\n",
            " \t\n\r ",
            "•–—…\u00a0\u2009",  # separators only
            "Requirements:\nPython",  # the last part ends without a line break
            "Requirements:\nGo",  # a listed word on the text's very last bytes
            "Nice to have\nC",
            "Python\x00Go\x00, Rust\x00",  # NUL bytes
            "Go, \udcff and Rust",  # a lone surrogate: read as "?" (UTF-8 with replacement)
            "x" * 100_000 + " Python " + "machinelearning" * 5_000,  # very long words
            "Kubernetes" * 20 + "\nPython",
            "Erfahrung mit • Go • C • R\nKünstliche Intelligenz, Spring Boot",
            "Über uns\nWir nutzen „Go“ und ‚C‘ – sowie Rust.\nWünschenswert: TS, Go.",
            "React Native, React Native and React\nNice to have\nReact",
            "machine learning and machine learning, machine\nlearning",
            "Python. Java.. Go... R. C",
            "ſo uſing Go",  # letters whose case folding is ASCII
            "Kenntnisse für Go, Erfahrung mit C\nund R",
            "Spring Boot, Spring\nBoot, Spring Boot and Spring",
            "\u00e9Go, \u00e9 Go, Go\u00e9, Go.\u00e9",
        ],
    )
    def test_edge_cases(self, text: str) -> None:
        native, python = _both(text)
        assert native == python


class TestPieces:
    def test_fold_is_the_folded_words(self, reader: DescriptionReader, shared_data: Path) -> None:
        texts = [o.description_text.encode("utf-8", "replace") for o in _kit_postings(shared_data)]
        texts += [b"", b"\x00", b"\xe2\x80", b"\xc2", b"A-Z\xe2\x80\x94x\xc2\xa0y\xff"]
        # every byte after each separator's lead bytes, and at the very end
        texts += [b"a" + lead + bytes([b]) + b"b" for lead in (b"\xe2\x80", b"\xc2") for b in range(256)]
        texts += [lead + bytes([b]) for lead in (b"\xe2\x80", b"\xc2", b"\xe2") for b in range(256)]

        differ = [t[:40] for t in texts if reader._reader.fold(t) != folded_words(t)]

        assert differ == []

    def test_part_starts_are_the_python_ones(self, reader: DescriptionReader, shared_data: Path) -> None:
        texts = [o.description_text.encode("utf-8", "replace") for o in _kit_postings(shared_data)]
        texts += [
            b"Nice to have:\nGo\nRequirements\n- Python\nnice-to-have and bonus: Rust",
            b"Bonus",
            b"ABOUT YOU WILL\n  - What you bring\nwould be nice to have: x\nAnforderungennice to have",
            b"  \xe2\x80\xa2 Requirements\n\xc3\x9cber uns: Anforderungen\nDein Profil",
        ]

        differ = [t[:40] for t in texts if reader._reader.part_starts(t) != part_starts(t)]

        assert differ == []

    def test_hands_back_few_kit_parts(self, reader: DescriptionReader, shared_data: Path) -> None:
        parts_before, handed_before = reader.stats()
        for offer in _kit_postings(shared_data):
            reader.read(offer.description_text)
        parts, handed_back = reader.stats()
        parts, handed_back = parts - parts_before, handed_back - handed_before

        assert parts > 250
        assert handed_back == 0  # only text that is not UTF-8 around a listed word is (decision 0092)

    def test_rejects_what_is_not_text(self, reader: DescriptionReader) -> None:
        with pytest.raises(TypeError):
            reader._reader.read(12)  # type: ignore[arg-type]


@pytest.mark.usefixtures("reader")
class TestLargeAutomaton:
    def test_more_states_than_16_bit_transitions_hold(self, shared_data: Path) -> None:
        """Past 32,768 states the automaton keeps 32-bit transitions (decision 0097); same reading."""
        rng = random.Random(15)
        made = sorted({"".join(rng.choices(string.ascii_lowercase, k=16)) for _ in range(2500)})
        index = SkillIndex(
            [
                *taxonomy_entries(),
                *({"name": n.title(), "category": "tool", "aliases": [f"{n[:8]} {n[8:]}"]} for n in made),
            ]
        )
        states = len({p[:i] for p in index._patterns for i in range(1, len(p) + 1)}) + 1  # the trie's
        headers = [*features._SECTION_PHRASES, *features._NICE_PHRASES]
        built = description_reader(index, headers, features._NICE_FROM)
        assert built is not None
        texts = []
        for offer in _kit_postings(shared_data):
            words = offer.description_text.split(" ")
            for name in rng.sample(made, 6):
                first, second = name[:8], name[8:]
                spelled = rng.choice([name, name.upper(), f"{first} {second}", f"{first}\n{second}"])
                words.insert(rng.randrange(len(words) + 1), spelled)
            texts.append(" ".join(words))

        def python(text: str) -> _Parts:
            data = text.encode("utf-8", "replace")
            starts, nice = part_starts(data)
            return [(n, set(found)) for n, found in zip(nice, index.scan_parts(data, starts), strict=True)]

        differ = [t[:80] for t in texts if [(n, {s.name for s in k}) for n, k in built.read(t)] != python(t)]

        assert states > 32_768
        assert differ == []
        found = {name for t in texts for _, names in python(t) for name in names}
        assert len(found & {n.title() for n in made}) > 1000  # the made skills are read, by both
