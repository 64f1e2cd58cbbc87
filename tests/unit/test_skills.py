"""The shared skill taxonomy and its matcher (the API matching reuses for offers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.skills import (
    canonical,
    default_index,
    default_matcher,
    evidence_for,
    find_skills,
    skill_names,
    taxonomy_entries,
)
from shared.sources.registry import adapter
from tests.support.match_quality import label_doc


class TestTaxonomy:
    def test_holds_hundreds_of_skills_with_a_category_each(self) -> None:
        entries = taxonomy_entries()

        assert len(entries) >= 300
        assert all(e["name"] and e["category"] for e in entries)

    def test_names_are_unique_case_insensitively(self) -> None:
        names = [e["name"].casefold() for e in taxonomy_entries()]

        assert len(names) == len(set(names))

    @pytest.mark.parametrize(
        ("spelling", "name"),
        [
            ("js", "JavaScript"),
            ("ECMAScript", "JavaScript"),
            ("k8s", "Kubernetes"),
            ("postgres", "PostgreSQL"),
            ("golang", "Go"),
            ("Go", "Go"),
            ("node", "Node.js"),
            ("AWS", "Amazon Web Services"),
        ],
    )
    def test_canonical_maps_aliases(self, spelling: str, name: str) -> None:
        found = canonical(spelling)

        assert found is not None
        assert found.name == name

    def test_canonical_is_none_for_unknown_names(self) -> None:
        assert canonical("Underwater basket weaving") is None


class TestFindSkills:
    def test_aliases_resolve_to_canonical_names(self) -> None:
        assert skill_names("Built services with golang on k8s and postgres") == [
            "Go",
            "Kubernetes",
            "PostgreSQL",
        ]

    def test_word_boundaries_keep_java_apart_from_javascript(self) -> None:
        assert skill_names("JavaScript and TypeScript") == ["JavaScript", "TypeScript"]

    def test_c_is_not_found_inside_cpp_or_csharp(self) -> None:
        assert skill_names("C++, C#, and C") == ["C++", "C#", "C"]

    def test_ambiguous_go_needs_capitals_and_list_context(self) -> None:
        assert skill_names("Go ahead and go live; we had a go at it") == []
        assert skill_names("Proficient in Go, Python, and Node.js") == ["Go", "Python", "Node.js"]

    def test_single_letter_r_only_in_a_list(self) -> None:
        assert skill_names("Languages: Python, R, SQL") == ["Python", "R", "SQL"]
        assert skill_names("R.O.K Cyber Command, Plan R for the team") == []

    def test_dotted_names_are_not_split(self) -> None:
        assert skill_names("Node.js, Vue.js and D3.js") == ["Node.js", "Vue.js", "D3.js"]

    def test_multi_word_skills_span_line_breaks_and_hyphens(self) -> None:
        hits = find_skills("Spring\nBoot and test-driven development")

        assert [(h.name, h.surface) for h in hits] == [
            ("Spring Boot", "Spring\nBoot"),
            ("Test-driven development", "test-driven development"),
        ]

    def test_hit_span_points_at_the_surface_in_the_original_text(self) -> None:
        text = "Skills: Kubernetes"

        hit = find_skills(text)[0]

        assert text[hit.start : hit.end] == hit.surface == "Kubernetes"

    def test_longest_alias_wins_over_a_shorter_overlap(self) -> None:
        assert skill_names("Google Cloud Platform") == ["Google Cloud Platform"]

    def test_is_deterministic(self) -> None:
        text = "Python, Go, Kubernetes, AWS, Terraform, React"

        assert find_skills(text) == find_skills(text)


class TestEvidence:
    def test_evidence_is_the_line_with_whitespace_collapsed(self) -> None:
        text = "Summary\nUsed   Kafka\tfor streams\nNext line"
        hit = find_skills(text)[0]

        assert evidence_for(text, hit) == "Used Kafka for streams"

    def test_long_lines_are_cut_around_the_hit(self) -> None:
        text = "word " * 100 + "Terraform " + "word " * 100
        hit = find_skills(text)[0]

        quote = evidence_for(text, hit, limit=80)

        assert "Terraform" in quote
        assert len(quote) <= 80


class TestSkillIndex:
    """The word automaton of offer features reads the same skills as the regex trie."""

    @pytest.mark.parametrize(
        ("text", "names"),
        [
            ("We use Python, Go and SQL.", {"Python", "Go", "SQL"}),
            ("Machine-learning with PyTorch; CI/CD on GitHub Actions.", None),
            ("React Native apps", {"React Native"}),
            ("Node.js and Vue.js. Also .NET", None),
            ("Let's go to the office", set()),  # "go" as a verb: not a list
            ("Kenntnisse in Java – Spring Boot • Docker", None),
            ("Experience with C++ and C#.", None),
        ],
    )
    def test_same_skills_as_the_trie(self, text: str, names: set[str] | None) -> None:
        trie = set(default_matcher().skill_names(text))
        index = set(default_index().scan(text))

        assert index == trie
        if names is not None:
            assert index == names

    def test_agrees_with_the_trie_on_the_kit_postings(self, shared_data: Path) -> None:
        texts = []
        for rel in label_doc()["payloads"]:
            kind = rel.split("/", 1)[0]
            texts += [
                o.description_text
                for o in adapter(kind).parse((shared_data / "job-sources" / rel).read_bytes(), board=kind)
            ]
        differ = [
            t[:60] for t in texts if set(default_index().scan(t)) != set(default_matcher().skill_names(t))
        ]
        # A few postings differ: the trie reads "React" inside "React Native" on another line, or
        # misses a two-word skill split by a line break, that the word automaton reads.
        assert len(differ) <= len(texts) // 50, differ
