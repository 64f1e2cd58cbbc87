"""The offline scorer's rules: a rubric reply derived from the deterministic explanation.

No model is involved: sub-scores are the deterministic feature values regrouped into the
rubric's four dimensions, strengths and gaps are the matched and missing skills and the failed
gates, and evidence quotes are the CV and posting lines that name a matched skill, copied
verbatim. The reply then passes the same checks an LLM reply does. Same inputs, same reply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The rubric loads with the first reply (the provider's model and version are read on
    # every cold start of a scoring function, a reply only when a pair is scored).
    from shared.domain.matching.explanation import Explanation
    from shared.domain.scoring.rubric import Quote, RubricReply

MODEL = "heuristic-v1"
RULES_VERSION = "score-heuristic-v1"
_MAX_QUOTES = 3
_QUOTE_CHARS = 200


def _values(explanation: Explanation) -> dict[str, float]:
    return {c.feature: c.value for c in explanation.components}


def _line_with(text: str, needle: str) -> str | None:
    """The first line of ``text`` naming ``needle`` (case-insensitive), whitespace-normalised."""
    from shared.domain.scoring.rubric import MIN_QUOTE_CHARS, normalise_space

    key = needle.casefold()
    for raw in text.splitlines():
        line = normalise_space(raw)
        if key in line.casefold() and len(line) >= MIN_QUOTE_CHARS:
            return line[:_QUOTE_CHARS]
    return None


def _quotes(text: str, needles: list[str], source: str) -> list[Quote]:
    from shared.domain.scoring.rubric import Quote

    out: list[Quote] = []
    for needle in needles:
        line = _line_with(text, needle) if needle else None
        if line is not None and all(q.text != line for q in out):
            out.append(Quote(text=line, source=source))  # type: ignore[arg-type]
        if len(out) >= _MAX_QUOTES:
            break
    return out


def rubric_from(
    deterministic: Explanation, *, cv_text: str, posting_text: str, title: str, offer_content_hash: str
) -> RubricReply:
    """The rubric reply of the offline scorer for one (profile, offer) pair."""
    from shared.domain.scoring.rubric import RubricReply, SubScore

    v = _values(deterministic)
    evidence = {c.feature: c.evidence for c in deterministic.components}
    skills = evidence.get("skills", {})
    matched: list[str] = list(skills.get("matched") or [])
    missing: list[str] = list(skills.get("missing_required") or [])
    seniority = evidence.get("seniority", {})
    title_words = [w for w in title.split() if len(w) > 3]
    skill_quotes = _quotes(cv_text, matched, "cv") + _quotes(posting_text, matched, "posting")
    seniority_words = [str(seniority.get("profile") or ""), str(seniority.get("offer") or ""), *title_words]
    logistics_words = ["remote", "hybrid", "location", "salary", "office", "language"]
    subs = [
        SubScore(
            name="skills_experience",
            score=round(100 * (35 * v.get("skills", 0.5) + 30 * v.get("title", 0.5)) / 65),
            rationale=f"{len(matched)} of {len(matched) + len(missing)} listed skills found in the profile.",
            evidence=skill_quotes[: 2 * _MAX_QUOTES],
        ),
        SubScore(
            name="seniority",
            score=round(100 * v.get("seniority", 0.5)),
            rationale=(
                f"Profile level {seniority.get('profile') or 'unknown'}, "
                f"posting level {seniority.get('offer') or 'unknown'}."
            ),
            evidence=_quotes(cv_text, seniority_words, "cv") + _quotes(posting_text, title_words, "posting"),
        ),
        SubScore(
            name="domain",
            score=round(100 * v.get("title", 0.5)),
            rationale="Closeness of the posting's title to the target roles and past titles.",
            evidence=_quotes(posting_text, title_words, "posting") + _quotes(cv_text, title_words, "cv"),
        ),
        SubScore(
            name="logistics",
            score=round(100 * (v.get("location", 0.5) + v.get("salary", 0.5) + v.get("language", 0.5)) / 3),
            rationale="Location, remote policy, salary and language against the stated preferences.",
            evidence=_quotes(posting_text, logistics_words, "posting"),
        ),
    ]
    gates = [g.reason for g in deterministic.gates if not g.passed]
    strengths = [f"Shows {name}" for name in matched[:5]]
    gaps = [f"No sign of {name}" for name in missing[:5]] + gates
    return RubricReply(
        offer_content_hash=offer_content_hash,
        sub_scores=subs,
        strengths=strengths,
        gaps=gaps[:5],
        summary=deterministic.summary,
    )
