"""Ranking quality on real data: each kit CV against every labelled posting, graded NDCG@10.

Labels and rubric: tests/data/match_labels.json and tests/data/README.md.
"""

from __future__ import annotations

from pathlib import Path
from statistics import mean

import pytest

from shared.domain.matching.features import profile_features
from shared.domain.matching.ranking import rank
from tests.support.match_quality import (
    AS_OF,
    CONTROL_CVS,
    TARGET_CVS,
    cv_profile,
    labelled_offers,
    ndcg_at_k,
    ndcg_by_cv,
)

MEAN_TARGET = 0.9
FLOOR_TARGET = 0.8


class TestNdcg:
    def test_perfect_order_scores_one_and_reversed_scores_less(self) -> None:
        relevance = {"a": 3, "b": 2, "c": 0}
        assert ndcg_at_k(["a", "b", "c"], relevance) == pytest.approx(1.0)
        assert ndcg_at_k(["c", "b", "a"], relevance) < 0.7


class TestLabels:
    def test_every_offer_of_the_payloads_is_labelled(self, shared_data: Path) -> None:
        features, grades = labelled_offers(shared_data)

        assert len(features) > 200
        for name in TARGET_CVS:
            assert set(grades[name]) == {f.offer_id for f in features}
            assert sum(1 for g in grades[name].values() if g == 3) >= 2, name


class TestRankingQuality:
    def test_every_cv_ranks_its_own_role_family_first(self, shared_data: Path) -> None:
        scores = ndcg_by_cv(shared_data, TARGET_CVS)
        print({name: round(value, 3) for name, value in scores.items()})

        assert mean(scores.values()) >= MEAN_TARGET, scores
        assert min(scores.values()) >= FLOOR_TARGET, scores

    def test_the_teachers_cv_does_not_rank_tech_roles_first(self, shared_data: Path) -> None:
        # The control: graded as a software engineer would grade the postings, the teacher's
        # ranking must look nothing like a software engineer's.
        features, grades = labelled_offers(shared_data)
        swe = "senior-swe_two-column_chromium_1p.pdf"
        (teacher,) = CONTROL_CVS
        profile = profile_features(cv_profile(shared_data, teacher))
        ranked = rank(profile, features, as_of=AS_OF, top=10)

        assert ndcg_at_k([r.offer.offer_id for r in ranked], grades[swe]) < 0.3
        assert ndcg_by_cv(shared_data, (swe,))[swe] >= FLOOR_TARGET
