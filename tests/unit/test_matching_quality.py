"""Ranking quality on real data: tech CVs rank software and data roles above the rest."""

from __future__ import annotations

from pathlib import Path
from statistics import mean

import pytest

from tests.support.match_quality import NON_TECH_CVS, TECH_CVS, ndcg_at_k, ndcg_by_cv


class TestNdcg:
    def test_perfect_order_scores_one_and_reversed_scores_less(self) -> None:
        relevance = {"a": 2, "b": 1, "c": 0}
        assert ndcg_at_k(["a", "b", "c"], relevance) == pytest.approx(1.0)
        assert ndcg_at_k(["c", "b", "a"], relevance) < 0.7


class TestRankingQuality:
    def test_tech_cvs_rank_tech_roles_first(self, shared_data: Path) -> None:
        scores = ndcg_by_cv(shared_data, TECH_CVS)

        assert min(scores.values()) >= 0.6, scores
        assert mean(scores.values()) >= 0.8, scores

    def test_a_teachers_cv_does_not_rank_tech_roles_first(self, shared_data: Path) -> None:
        tech = ndcg_by_cv(shared_data, TECH_CVS[:1])
        teacher = ndcg_by_cv(shared_data, NON_TECH_CVS)

        assert max(teacher.values()) < 0.3 < min(tech.values())
