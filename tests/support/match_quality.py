"""Ranking quality on the kit: real CVs (heuristic profiles) against real job payloads, NDCG@k."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.domain.matching.features import OfferFeatures, offer_features, profile_features
from shared.domain.matching.ranking import rank
from shared.domain.profiles import CareerProfile, Preferences, Provenance
from shared.sources.registry import adapter

LABELS = Path(__file__).resolve().parents[1] / "data" / "match_labels.json"
AS_OF = datetime(2026, 3, 20, tzinfo=UTC)
TECH_CVS = (
    "fullstack-dev_john-doe_latex_2p.pdf",
    "senior-swe_two-column_chromium_1p.pdf",
    "swe-new-grad_deedy_two-column_1p.pdf",
    "data-analyst_brilliant-cv_typst-photo_1p.pdf",
    "devops-architect_awesome-cv_3p.pdf",
    "frontend-dev_barry-allen_moderncv_1p.pdf",
)
NON_TECH_CVS = ("teacher_ncsu-style_unencrypted_3p.pdf",)


def ndcg_at_k(ranked_ids: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first ``k`` ids (gain 2^rel - 1)."""
    dcg = sum((2 ** relevance.get(i, 0) - 1) / math.log2(n + 2) for n, i in enumerate(ranked_ids[:k]))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    idcg = sum((2**r - 1) / math.log2(n + 2) for n, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def labelled_offers(kit: Path) -> tuple[list[OfferFeatures], dict[str, int]]:
    """Features of every labelled offer and its relevance grade, keyed by offer id."""
    doc = json.loads(LABELS.read_text(encoding="utf-8"))
    features: list[OfferFeatures] = []
    relevance: dict[str, int] = {}
    for rel_path in doc["payloads"]:
        kind = rel_path.split("/", 1)[0]
        for offer in adapter(kind).parse((kit / "job-sources" / rel_path).read_bytes(), board=kind):
            relevance[offer.id] = doc["labels"][f"{offer.source_kind}:{offer.external_id}"]["relevance"]
            features.append(offer_features(offer))
    return features, relevance


def cv_profile(kit: Path, name: str) -> CareerProfile:
    """The heuristic career profile of one kit CV, with no stated preferences."""
    text = PyMuPdfExtractor().extract((kit / "resumes" / name).read_bytes(), max_pages=50, max_chars=200_000)
    draft = HeuristicProfileProvider(ManualClock(AS_OF)).generate(text.text).draft
    provenance = Provenance(
        source_document_ids=[name],
        source_sha256s=[],
        inputs_hash="",
        provider="heuristic",
        model="heuristic-v1",
        prompt_version="heuristic-rules-v1",
        created_at=AS_OF,
    )
    return CareerProfile.from_draft(
        draft, uid="eval", version=1, preferences=Preferences(), provenance=provenance
    )


def ndcg_by_cv(kit: Path, names: Sequence[str], k: int = 10) -> dict[str, float]:
    """NDCG@k of the ranking of every labelled offer, per CV."""
    features, relevance = labelled_offers(kit)
    out: dict[str, float] = {}
    for name in names:
        ranked = rank(profile_features(cv_profile(kit, name)), features, as_of=AS_OF)
        out[name] = ndcg_at_k([r.offer.offer_id for r in ranked], relevance, k)
    return out
