"""The scoring rubric: the reply schema an LLM fills, the checks it must pass, the explanation it makes.

- The reply names the offer by its content hash; a reply for another offer is refused
  (LLM_INVALID_OUTPUT): a score is never attached to the wrong job.
- Every evidence quote is checked verbatim, after whitespace normalisation, against the text it
  says it comes from (the CV or the posting), at a minimum length. A quote that fails is dropped
  and counted; a sub-score left with no evidence that holds is flagged.
- Scores are clamped to 0-100. The deterministic gates are shown beside the rubric and never
  overridden: when one failed, the combined score is capped and the payload says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from shared.domain.errors import PermanentError
from shared.domain.failures import FailureClass
from shared.domain.matching.explanation import Audit, Component, EvidenceChecks, Explanation, ScoreCap

SubScoreName = Literal["skills_experience", "seniority", "domain", "logistics"]
WEIGHTS: dict[str, float] = {"skills_experience": 45.0, "seniority": 20.0, "domain": 15.0, "logistics": 20.0}
MIN_QUOTE_CHARS = 12
GATED_CAP = 40.0
_MAX_LIST = 6
_MAX_LINE = 300


class Quote(BaseModel):
    """A verbatim quote and the text it is copied from."""

    text: str
    source: Literal["cv", "posting"]


class SubScore(BaseModel):
    """One rubric dimension: a 0-100 score, a short rationale, the quotes it rests on."""

    name: SubScoreName
    score: int
    rationale: str
    evidence: list[Quote]


class RubricReply(BaseModel):
    """What the scorer returns (the LLM's response schema, and the heuristic scorer's output)."""

    offer_content_hash: str
    sub_scores: list[SubScore]
    strengths: list[str]
    gaps: list[str]
    summary: str


def normalise_space(text: str) -> str:
    """Whitespace runs (newlines included) collapsed to one space, ends trimmed."""
    return " ".join(text.split())


@dataclass(frozen=True)
class CheckedSubScore:
    """A sub-score after its quotes were checked."""

    name: str
    score: int
    rationale: str
    kept: list[Quote]
    dropped: int
    flagged: bool


@dataclass(frozen=True)
class CheckedReply:
    """A reply that names the right offer, with its quotes checked."""

    sub_scores: list[CheckedSubScore]
    strengths: list[str]
    gaps: list[str]
    summary: str

    @property
    def dropped(self) -> int:
        """Quotes dropped over all sub-scores."""
        return sum(s.dropped for s in self.sub_scores)

    @property
    def kept(self) -> int:
        """Quotes that held."""
        return sum(len(s.kept) for s in self.sub_scores)


def check_reply(
    reply: RubricReply, *, offer_content_hash: str, cv_text: str, posting_text: str
) -> CheckedReply:
    """Refuse a reply for another offer or missing a dimension; check every quote."""
    if reply.offer_content_hash.strip() != offer_content_hash:
        raise PermanentError(
            "the reply scores another offer than the one asked about",
            failure_class=FailureClass.LLM_INVALID_OUTPUT,
            detail={"expected": offer_content_hash, "named": reply.offer_content_hash[:80]},
        )
    texts = {"cv": normalise_space(cv_text), "posting": normalise_space(posting_text)}
    by_name: dict[str, SubScore] = {}
    for sub in reply.sub_scores:
        by_name.setdefault(sub.name, sub)  # a repeated dimension: the first answer counts
    missing = [name for name in WEIGHTS if name not in by_name]
    if missing:
        raise PermanentError(
            f"the reply lacks sub-scores {missing}", failure_class=FailureClass.LLM_INVALID_OUTPUT
        )
    checked: list[CheckedSubScore] = []
    for name in WEIGHTS:
        sub = by_name[name]
        kept = [
            Quote(text=normalise_space(q.text), source=q.source)
            for q in sub.evidence
            if quote_holds(q.text, texts[q.source])
        ]
        checked.append(
            CheckedSubScore(
                name=name,
                score=max(0, min(100, int(sub.score))),
                rationale=sub.rationale.strip()[:600],
                kept=kept,
                dropped=len(sub.evidence) - len(kept),
                flagged=not kept,
            )
        )
    return CheckedReply(checked, _clip(reply.strengths), _clip(reply.gaps), reply.summary.strip()[:600])


def quote_holds(quote: str, normalised_source: str) -> bool:
    """True when the whitespace-normalised quote is long enough and occurs verbatim in the source."""
    q = normalise_space(quote)
    return len(q) >= MIN_QUOTE_CHARS and q in normalised_source


def _clip(items: list[str]) -> list[str]:
    return [i.strip()[:_MAX_LINE] for i in items if i.strip()][:_MAX_LIST]


def explanation_of(
    checked: CheckedReply, deterministic: Explanation, *, version: str, audit: Audit
) -> Explanation:
    """The ``llm``-kind explanation: rubric components, the deterministic gates beside, the cap."""
    components = [
        Component(
            feature=s.name,
            weight=WEIGHTS[s.name],
            value=s.score / 100,
            contribution=round(WEIGHTS[s.name] * s.score / 100, 2),
            evidence={
                "rationale": s.rationale,
                "quotes": [q.model_dump() for q in s.kept],
                "dropped_quotes": s.dropped,
                "flagged": s.flagged,
            },
        )
        for s in checked.sub_scores
    ]
    uncapped = round(sum(c.contribution for c in components), 2)
    failed = [g for g in deterministic.gates if not g.passed]
    cap = None
    total = uncapped
    if failed:
        total = min(uncapped, GATED_CAP)
        reason = "; ".join(f"{g.gate}: {g.reason}" for g in failed)
        cap = ScoreCap(limit=GATED_CAP, uncapped=uncapped, reason=f"a deterministic gate failed ({reason})")
    flagged = [s.name for s in checked.sub_scores if s.flagged]
    return Explanation(
        kind="llm",
        version=version,
        total=total,
        excluded=deterministic.excluded,
        components=components,
        gates=list(deterministic.gates),
        summary=checked.summary,
        audit=audit,
        strengths=checked.strengths,
        gaps=checked.gaps,
        checks=EvidenceChecks(quotes_kept=checked.kept, quotes_dropped=checked.dropped, flagged=flagged),
        cap=cap,
    )
