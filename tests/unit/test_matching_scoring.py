"""The deterministic matcher: values, gates, contributions, determinism."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from shared.domain.accounts import RemotePreference
from shared.domain.matching.features import (
    OfferFeatures,
    ProfileFeatures,
    make_role,
    offer_features,
    title_tokens,
)
from shared.domain.matching.ranking import rank
from shared.domain.matching.scoring import (
    MIN_SKILL_EVIDENCE,
    NEUTRAL,
    RULESET_VERSION,
    WEIGHTS,
    explain,
    score,
)
from shared.domain.offers import JobOffer
from shared.domain.places import location
from shared.domain.salary import make_salary
from shared.domain.titles import role_families, title_level

AS_OF = datetime(2026, 3, 20, tzinfo=UTC)


def _profile(**changes: object) -> ProfileFeatures:
    base = ProfileFeatures(
        uid="u1",
        version=3,
        skills=frozenset({"python", "postgresql", "docker", "kubernetes"}),
        skill_display={
            "python": "Python",
            "postgresql": "PostgreSQL",
            "docker": "Docker",
            "kubernetes": "Kubernetes",
        },
        roles=(make_role("Backend Engineer", 1.0, "target_role"),),
        seniority="senior",
        remote=RemotePreference.ANY,
        places=frozenset({"city:berlin", "country:de"}),
        place_labels=("Berlin",),
        salary_floor=70_000.0,
        salary_currency="EUR",
        languages=frozenset({"en"}),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _offer(**changes: object) -> OfferFeatures:
    base = OfferFeatures(
        offer_id="greenhouse-1",
        content_hash="h1",
        title="Senior Backend Engineer",
        company="Acme",
        url="https://jobs.invalid/1",
        required=frozenset({"python", "postgresql", "go"}),
        nice=frozenset({"kubernetes"}),
        skill_names=(
            ("go", "Go"),
            ("kubernetes", "Kubernetes"),
            ("postgresql", "PostgreSQL"),
            ("python", "Python"),
        ),
        weights={"go": 1.0, "kubernetes": 1.0, "postgresql": 1.0, "python": 1.0},
        skill_total=7.0,
        title_tokens=title_tokens("Senior Backend Engineer"),
        families=role_families("Senior Backend Engineer"),
        seniority="senior",
        remote_policy="hybrid",
        places=frozenset({"city:berlin", "country:de"}),
        place_labels=("Berlin, Germany",),
        salary_min=75_000.0,
        salary_max=90_000.0,
        salary_currency="EUR",
        salary_source="listed",
        language="en",
        posted_ts=AS_OF.timestamp() - 2 * 86400,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _titled(title: str) -> dict[str, object]:
    return {"title": title, "title_tokens": title_tokens(title), "families": role_families(title)}


def _value(name: str, p: ProfileFeatures, o: OfferFeatures) -> float:
    return score(p, o, AS_OF.timestamp()).values[list(WEIGHTS).index(name)]


class TestFeatureValues:
    def test_required_skills_count_double(self) -> None:
        offer = _offer(
            required=frozenset({"python", "postgresql", "go", "rust", "kafka"}),
            weights={
                "python": 1.0,
                "postgresql": 1.0,
                "go": 1.0,
                "rust": 1.0,
                "kafka": 1.0,
                "kubernetes": 1.0,
            },
            skill_total=11.0,
        )
        # required python+postgresql matched (2*2 of 2*5), nice kubernetes matched (1 of 1): 5/11
        assert _value("skills", _profile(), offer) == pytest.approx(5 / 11)

    def test_thin_skill_evidence_is_discounted(self) -> None:
        # Two matched required skills and nothing else: 4 of at least MIN_SKILL_EVIDENCE.
        offer = _offer(required=frozenset({"python", "postgresql"}), nice=frozenset(), skill_total=4.0)
        assert _value("skills", _profile(), offer) == pytest.approx(4 / MIN_SKILL_EVIDENCE)

    def test_non_core_skills_weigh_less(self) -> None:
        core = _offer(
            required=frozenset({"python"}), nice=frozenset(), weights={"python": 1.0}, skill_total=2.0
        )
        agile = _offer(
            required=frozenset({"agile"}), nice=frozenset(), weights={"agile": 0.4}, skill_total=0.8
        )
        p = _profile(skills=frozenset({"python", "agile"}))
        assert _value("skills", p, core) > _value("skills", p, agile)

    def test_offer_without_known_skills_scores_zero(self) -> None:
        assert (
            _value("skills", _profile(), _offer(required=frozenset(), nice=frozenset(), skill_total=0.0))
            == 0.0
        )

    def test_title_overlap_with_target_role(self) -> None:
        assert _value("title", _profile(), _offer()) == pytest.approx(1.0)
        assert _value("title", _profile(), _offer(**_titled("Sales Manager"))) == 0.0

    def test_a_shared_generic_word_is_not_a_shared_role(self) -> None:
        sales = _value("title", _profile(), _offer(**_titled("Sales Engineer")))
        # families: sales/solutions vs backend (two tech families: 0.25); words: shared
        # "engineer" (0.5) over backend+engineer (1.5) and sales+engineer (1.5)
        assert sales == pytest.approx(0.75 * 0.25 + 0.25 * (2 * 0.5 / 3))

    def test_same_family_in_other_words_is_close(self) -> None:
        # "Python Developer" shares only "engineer" (developer) with "Backend Engineer", but is the
        # same family (backend).
        assert _value("title", _profile(), _offer(**_titled("Python Developer"))) == pytest.approx(
            0.75 + 0.25 * (2 * 0.5 / 3)
        )
        assert _value("title", _profile(), _offer(**_titled("DevOps Engineer"))) == pytest.approx(
            0.75 * 0.6 + 0.25 * (2 * 0.5 / 3)
        )

    def test_past_titles_weigh_less_than_target_roles(self) -> None:
        past = _profile(roles=(make_role("Backend Engineer", 0.8, "past_role"),))
        assert _value("title", past, _offer()) == pytest.approx(0.8)

    @pytest.mark.parametrize(
        ("offer_level", "expected"), [("senior", 1.0), ("lead", 0.6), ("junior", 0.25), (None, NEUTRAL)]
    )
    def test_seniority_fit_by_distance(self, offer_level: str | None, expected: float) -> None:
        assert _value("seniority", _profile(), _offer(seniority=offer_level)) == expected

    def test_unknown_salary_is_neutral(self) -> None:
        assert _value("salary", _profile(), _offer(salary_min=None, salary_max=None)) == NEUTRAL

    def test_salary_in_another_currency_is_neutral(self) -> None:
        assert (
            _value("salary", _profile(), _offer(salary_currency="USD", salary_max=10.0, salary_min=5.0))
            == NEUTRAL
        )

    def test_range_straddling_the_floor_scores_partly(self) -> None:
        assert _value("salary", _profile(), _offer(salary_min=60_000.0)) == 0.75

    def test_recency_decays_after_a_week(self) -> None:
        fresh = _value("recency", _profile(), _offer())
        old = _value("recency", _profile(), _offer(posted_ts=AS_OF.timestamp() - 48 * 86400))
        assert fresh == 1.0
        assert 0.0 < old < 1.0
        assert _value("recency", _profile(), _offer(posted_ts=None)) == NEUTRAL


class TestGates:
    def test_onsite_offer_elsewhere_is_excluded_for_remote_only(self) -> None:
        p = _profile(remote=RemotePreference.REMOTE, places=frozenset({"city:madrid"}))
        b = score(p, _offer(remote_policy="onsite"), AS_OF.timestamp())
        assert b.excluded
        assert b.failed_gates[0][0] == "location"

    def test_remote_offer_passes_remote_only(self) -> None:
        p = _profile(remote=RemotePreference.REMOTE)
        b = score(p, _offer(remote_policy="remote", places=frozenset()), AS_OF.timestamp())
        assert not b.excluded
        assert b.values[list(WEIGHTS).index("location")] == 1.0

    def test_offer_outside_preferred_locations_is_excluded(self) -> None:
        b = score(
            _profile(),
            _offer(places=frozenset({"city:austin", "country:us"}), place_labels=("Austin, TX",)),
            AS_OF.timestamp(),
        )
        assert b.failed_gates == (("location", "located in Austin, TX, outside the preferred locations"),)

    def test_listed_salary_below_floor_is_excluded(self) -> None:
        b = score(_profile(), _offer(salary_min=40_000.0, salary_max=50_000.0), AS_OF.timestamp())
        assert [g for g, _ in b.failed_gates] == ["salary"]

    def test_parsed_salary_below_floor_only_scores_zero(self) -> None:
        b = score(
            _profile(),
            _offer(salary_min=40_000.0, salary_max=50_000.0, salary_source="parsed"),
            AS_OF.timestamp(),
        )
        assert not b.excluded
        assert b.values[list(WEIGHTS).index("salary")] == 0.0

    def test_posting_in_a_language_the_profile_lacks_is_excluded(self) -> None:
        b = score(_profile(), _offer(language="de"), AS_OF.timestamp())
        assert [g for g, _ in b.failed_gates] == ["language"]
        assert not score(
            _profile(languages=frozenset({"en", "de"})), _offer(language="de"), AS_OF.timestamp()
        ).excluded


class TestExplanation:
    def test_contributions_add_up_to_the_total(self) -> None:
        p, o = _profile(), _offer()
        b = score(p, o, AS_OF.timestamp())
        e = explain(p, o, b, AS_OF)
        assert e.total == b.total
        assert sum(c.contribution for c in e.components) == pytest.approx(e.total, abs=0.05)
        assert {c.feature for c in e.components} == set(WEIGHTS)

    def test_each_feature_moves_the_total_by_its_weight(self) -> None:
        p = _profile()
        better = score(p, _offer(), AS_OF.timestamp())
        worse = score(p, _offer(seniority="junior"), AS_OF.timestamp())
        assert better.total - worse.total == pytest.approx(WEIGHTS["seniority"] * (1.0 - 0.25), abs=0.01)

    def test_evidence_names_matched_and_missing_skills(self) -> None:
        p, o = _profile(), _offer()
        e = explain(p, o, score(p, o, AS_OF.timestamp()), AS_OF)
        skills = next(c for c in e.components if c.feature == "skills").evidence
        assert skills["matched"] == ["Kubernetes", "PostgreSQL", "Python"]
        assert skills["missing_required"] == ["Go"]

    def test_payload_carries_kind_version_and_audit(self) -> None:
        p, o = _profile(), _offer()
        e = explain(p, o, score(p, o, AS_OF.timestamp()), AS_OF)
        assert (e.kind, e.version) == ("deterministic", RULESET_VERSION)
        assert (e.audit.profile_version, e.audit.offer_content_hash, e.audit.computed_at) == (3, "h1", AS_OF)
        assert e.summary.startswith("Strong match")

    def test_excluded_summary_gives_the_reason(self) -> None:
        p, o = _profile(), _offer(language="fr")
        e = explain(p, o, score(p, o, AS_OF.timestamp()), AS_OF)
        assert e.excluded
        assert e.summary.startswith("Excluded: the posting is in 'fr'")


class TestRanking:
    def test_same_inputs_give_byte_identical_output(self) -> None:
        offers = [
            _offer(offer_id=f"o{i}", seniority=lvl)
            for i, lvl in enumerate(["junior", "senior", None, "lead"])
        ]
        runs = [
            json.dumps(
                [r.explanation.model_dump(mode="json") for r in rank(_profile(), offers, as_of=AS_OF)],
                sort_keys=True,
            )
            for _ in range(2)
        ]
        shuffled = json.dumps(
            [r.explanation.model_dump(mode="json") for r in rank(_profile(), offers[::-1], as_of=AS_OF)],
            sort_keys=True,
        )
        assert runs[0] == runs[1] == shuffled

    def test_excluded_offers_rank_last_and_ties_break_by_id(self) -> None:
        offers = [_offer(offer_id="b"), _offer(offer_id="a"), _offer(offer_id="c", language="de")]
        ranked = rank(_profile(), offers, as_of=AS_OF)
        assert [r.offer.offer_id for r in ranked] == ["a", "b", "c"]
        assert rank(_profile(), offers, as_of=AS_OF, top=1)[0].offer.offer_id == "a"
        assert [r.offer.offer_id for r in rank(_profile(), offers, as_of=AS_OF, include_excluded=False)] == [
            "a",
            "b",
        ]

    def test_stored_records_rank_as_their_decoded_features(self) -> None:
        offers = [
            _offer(offer_id="o1"),
            _offer(offer_id="o2", **_titled("Python Developer"), language="de"),
            _offer(offer_id="o3", **_titled("DevOps Engineer"), remote_policy="remote", salary_max=50_000.0),
            _offer(offer_id="o4", **_titled("Sales Manager"), seniority="junior", posted_ts=None),
        ]
        stored = [json.loads(json.dumps(o.to_record())) for o in offers]

        decoded = rank(_profile(), offers, as_of=AS_OF)
        from_store = rank(_profile(), stored, as_of=AS_OF)

        assert [(r.offer, r.breakdown) for r in from_store] == [(r.offer, r.breakdown) for r in decoded]
        assert [r.explanation for r in from_store] == [r.explanation for r in decoded]

    @pytest.mark.parametrize("top", [1, 7, 40, 400])
    def test_the_top_k_is_the_head_of_the_full_ranking(self, top: int) -> None:
        # Offers that cannot reach the k-th best total are skipped early: never one that could.
        titles = ("Backend Engineer", "Python Developer", "DevOps Engineer", "Sales Manager", "Data Analyst")
        skills = ("python", "postgresql", "go", "kubernetes", "docker", "agile")
        offers = [
            _offer(
                offer_id=f"o{i:03}",
                **_titled(titles[i % 5]),
                required=frozenset(skills[j] for j in range(6) if (i >> j) & 1),
                nice=frozenset(),
                weights={k: 0.4 if k == "agile" else 1.0 for k in skills},
                skill_total=float(
                    sum(2 * (0.4 if skills[j] == "agile" else 1.0) for j in range(6) if (i >> j) & 1)
                ),
                language=("en", "en", "de")[i % 3],
                remote_policy=("remote", "hybrid", "onsite")[i % 3],
                posted_ts=AS_OF.timestamp() - (i % 60) * 86400,
            )
            for i in range(300)
        ]
        full = rank(_profile(), offers, as_of=AS_OF)
        head = rank(_profile(), offers, as_of=AS_OF, top=top)
        assert [(r.offer.offer_id, r.score) for r in head] == [
            (r.offer.offer_id, r.score) for r in full[:top]
        ]
        kept = rank(_profile(), offers, as_of=AS_OF, top=top, include_excluded=False)
        eligible = [r for r in full if not r.breakdown.excluded]
        assert [r.offer.offer_id for r in kept] == [r.offer.offer_id for r in eligible[:top]]

    def test_the_first_listed_role_wins_a_tie(self) -> None:
        roles = (
            make_role("Backend Engineer", 1.0, "target_role"),
            make_role("Backend Engineer", 1.0, "headline"),
        )
        assert score(_profile(roles=roles), _offer(), AS_OF.timestamp()).role_source == "target_role"
        assert score(_profile(roles=roles[::-1]), _offer(), AS_OF.timestamp()).role_source == "headline"

    def test_skill_value_is_an_exact_ratio_of_weights_whatever_their_order(self) -> None:
        # 0.4 + 0.4 + 1.0 summed as floats depends on the order a set yields them in; weights are
        # whole tenths, summed as integers: 2 x (4 + 4 + 10) of 2 x 18 (the floor is 80 tenths).
        skills = frozenset({"agile", "scrum", "python"})
        offer = _offer(
            required=skills,
            nice=frozenset(),
            weights={"agile": 0.4, "scrum": 0.4, "python": 1.0},
            skill_total=3.6,
        )
        assert _value("skills", _profile(skills=skills), offer) == 36 / 80


class TestOfferFeatures:
    def test_nice_to_have_section_is_separated_from_requirements(self) -> None:
        offer = JobOffer.create(
            source_kind="lever",
            board="acme",
            external_id="1",
            title="Backend Engineer",
            company="Acme",
            url="https://jobs.invalid/1",
            description_text=(
                "Requirements\n- Python and PostgreSQL\nNice to have\n- Kubernetes\nBenefits\n- Docker"
            ),
        )
        f = offer_features(offer)
        assert {"python", "postgresql", "docker"} <= f.required
        assert f.nice == frozenset({"kubernetes"})

    def test_features_round_trip_through_storage(self) -> None:
        offer = JobOffer.create(
            source_kind="lever",
            board="acme",
            external_id="2",
            title="Senior Data Engineer",
            company="Acme",
            url="https://jobs.invalid/2",
            description_text="We use Python and Spark.",
            locations=[location(city="Berlin", country="Germany")],
            remote_policy="hybrid",
            salary=make_salary(60000, 80000, currency="EUR", period="year", source="listed"),
        )
        f = offer_features(offer)
        assert type(f).from_record(json.loads(json.dumps(f.to_record()))) == f
        assert f.seniority == "senior"
        assert "city:berlin" in f.places

    @pytest.mark.parametrize(
        ("title", "level"),
        [
            ("Staff Engineer", "lead"),
            ("Werkstudent Data", "intern"),
            ("Head of Product", "executive"),
            ("Data Analyst", None),
        ],
    )
    def test_seniority_from_title(self, title: str, level: str | None) -> None:
        assert title_level(title) == level

    def test_title_tokens_fold_synonyms_and_drop_seniority(self) -> None:
        assert title_tokens("Sr. Front End Dev (m/w/d)") == frozenset({"frontend", "engineer"})
        assert title_tokens("Frontend Developer") == title_tokens("Frontend Engineer")
