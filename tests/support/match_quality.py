"""Ranking quality on the kit: real CVs (heuristic profiles) against real job payloads, NDCG@k."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.domain.matching.features import OfferFeatures, offer_features, profile_features
from shared.domain.matching.ranking import rank
from shared.domain.profiles import CareerProfile, Preferences, Provenance
from shared.sources.registry import adapter

LABELS = Path(__file__).resolve().parents[1] / "data" / "match_labels.json"
AS_OF = datetime(2026, 3, 20, tzinfo=UTC)


def label_doc() -> dict[str, Any]:
    """The labels file (see tests/data/README.md for the rubric)."""
    doc: dict[str, Any] = json.loads(LABELS.read_text(encoding="utf-8"))
    return doc


def _cvs(control: bool) -> tuple[str, ...]:
    return tuple(name for name, cv in label_doc()["cvs"].items() if bool(cv.get("control")) == control)


# CVs held to the NDCG targets, and the controls (reported, held to a weaker property).
TARGET_CVS = _cvs(control=False)
CONTROL_CVS = _cvs(control=True)


def grade(cv: dict[str, Any], families: list[str], tech: set[str]) -> int:
    """3 = one of the CV's own families, 2 = adjacent, 1 = another tech family, 0 = unrelated.

    A control CV (a teacher's) gets no credit for "other tech": tech is not near its field.
    """
    if set(families) & set(cv["own"]):
        return 3
    if set(families) & set(cv["adjacent"]):
        return 2
    if not cv.get("control") and set(families) & tech:
        return 1
    return 0


def ndcg_at_k(ranked_ids: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first ``k`` ids (gain 2^rel - 1)."""
    dcg = sum((2 ** relevance.get(i, 0) - 1) / math.log2(n + 2) for n, i in enumerate(ranked_ids[:k]))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    idcg = sum((2**r - 1) / math.log2(n + 2) for n, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def labelled_offers(kit: Path) -> tuple[list[OfferFeatures], dict[str, dict[str, int]]]:
    """Features of every labelled offer, and per CV the grade of each offer id."""
    doc = label_doc()
    tech = set(doc["tech_families"])
    features: list[OfferFeatures] = []
    grades: dict[str, dict[str, int]] = {name: {} for name in doc["cvs"]}
    seen: set[str] = set()
    for rel_path in doc["payloads"]:
        kind = rel_path.split("/", 1)[0]
        for offer in adapter(kind).parse((kit / "job-sources" / rel_path).read_bytes(), board=kind):
            if offer.id in seen:
                continue  # a payload listing one posting twice
            seen.add(offer.id)
            families = doc["offers"][f"{offer.source_kind}:{offer.external_id}"]["families"]
            for name, cv in doc["cvs"].items():
                grades[name][offer.id] = grade(cv, families, tech)
            features.append(offer_features(offer))
    return features, grades


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
        prompt_version="heuristic-rules-v2",
        created_at=AS_OF,
    )
    return CareerProfile.from_draft(
        draft, uid="eval", version=1, preferences=Preferences(), provenance=provenance
    )


def ndcg_by_cv(kit: Path, names: Sequence[str], k: int = 10) -> dict[str, float]:
    """NDCG@k of the ranking of every labelled offer, per CV, against that CV's grades."""
    features, grades = labelled_offers(kit)
    out: dict[str, float] = {}
    for name in names:
        ranked = rank(profile_features(cv_profile(kit, name)), features, as_of=AS_OF, include_excluded=False)
        # Grades are role relevance; offers a hard gate closes (a posting in a language the CV
        # does not list) are out of reach for this profile and out of the ideal ranking too.
        eligible = {r.offer.offer_id for r in ranked}
        relevance = {i: g for i, g in grades[name].items() if i in eligible}
        out[name] = ndcg_at_k([r.offer.offer_id for r in ranked], relevance, k)
    return out
