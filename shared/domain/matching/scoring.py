"""The deterministic, explainable matcher (ruleset ``match-v2``, see docs/decisions/0110).

A score is 0-100: the sum of weighted feature values in [0, 1]. Hard gates exclude an offer
with a reason. Ranking runs ``score()`` (set arithmetic only) over every offer and builds the
full ``Explanation`` only for the rows it returns; both read the same ``Breakdown``, so the
explanation always adds up to the ranked score.

Neutral values: a feature the offer says nothing about (no salary, no date, no seniority
word, no recognisable skill) gets a fixed middle value, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from shared.domain.accounts import RemotePreference
from shared.domain.matching.explanation import Audit, Component, Explanation, Gate
from shared.domain.matching.features import OfferFeatures, ProfileFeatures, title_weight
from shared.domain.titles import SENIORITY_RANK

RULESET_VERSION = "match-v2"  # v2: role families, role weights by source and age
WEIGHTS: dict[str, float] = {
    "skills": 30.0,
    "title": 40.0,
    "seniority": 8.0,
    "location": 10.0,
    "salary": 5.0,
    "language": 4.0,
    "recency": 3.0,
}
NEUTRAL = 0.5
MIN_SKILL_EVIDENCE = 8.0  # four required core skills: fewer is thin evidence of a skills fit
_SENIORITY_FIT = (1.0, 0.6, 0.25, 0.0)
FAMILY_SHARE = 0.75  # of the title value, when the families are close: the rest is word overlap
WORDS_ONLY = 0.5  # word overlap without close families counts half ("Sales Engineer" is not SWE)
_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Feature values and failed gates of one (profile, offer) pair."""

    values: tuple[float, ...]  # in WEIGHTS order
    failed_gates: tuple[tuple[str, str], ...]  # (gate, reason)
    role: str | None  # the target role, headline or job title the offer's title matched best
    role_source: str | None = None  # "target_role", "headline", "current_role" or "past_role"

    @property
    def total(self) -> float:
        """The 0-100 score, rounded to 2 decimals."""
        return round(sum(w * v for w, v in zip(WEIGHTS.values(), self.values, strict=True)), 2)

    @property
    def excluded(self) -> bool:
        """True when a hard gate failed."""
        return bool(self.failed_gates)


def score(p: ProfileFeatures, o: OfferFeatures, as_of: float) -> Breakdown:
    """Feature values and gates for one offer (hot path: no text scanning, no allocation-heavy work)."""
    gates: list[tuple[str, str]] = []
    # skills: matched weight over the offer's (required count double; an offer naming fewer
    # than two core skills is thin evidence, hence the floor on the denominator)
    matched = o.required & p.skills
    matched_nice = o.nice & p.skills
    if matched or matched_nice:
        w = o.weights
        got = 2 * sum(w[k] for k in matched) + sum(w[k] for k in matched_nice)
        skills = got / (o.skill_total if o.skill_total > MIN_SKILL_EVIDENCE else MIN_SKILL_EVIDENCE)
    else:
        skills = 0.0
    # title: closeness of role families and word overlap (weighted Dice) with the best of the
    # profile's roles, times that role's weight (target roles, headline, current role in full;
    # past roles less with age)
    title, role = 0.0, None
    tokens = o.title_tokens
    size = title_weight(tokens)
    for r in p.roles:
        common = tokens & r.tokens
        dice = 2 * title_weight(common) / (size + r.token_weight) if common else 0.0
        family = r.by_families.get(o.families)
        if family is None:
            family = r.by_families[o.families] = max(
                [r.closeness.get(f, 0.0) for f in o.families], default=0.0
            )
        value = r.weight * (
            FAMILY_SHARE * family + (1 - FAMILY_SHARE) * dice if family else WORDS_ONLY * dice
        )
        if value > title:
            title, role = value, r
    # seniority
    if p.seniority is None or o.seniority is None:
        seniority = NEUTRAL
    else:
        gap = abs(SENIORITY_RANK[p.seniority] - SENIORITY_RANK[o.seniority])
        seniority = _SENIORITY_FIT[min(gap, 3)]
    location = _location(p, o, gates)
    salary = _salary(p, o, gates)
    # language: a posting written in a language the profile lacks requires it
    if o.language is None:
        language = NEUTRAL
    elif o.language in p.languages:
        language = 1.0
    else:
        language = 0.0
        gates.append(("language", f"the posting is in '{o.language}', which the profile does not list"))
    if o.posted_ts is None:
        recency = NEUTRAL
    else:
        age = (as_of - o.posted_ts) / _DAY
        recency = 1.0 if age <= 7 else max(0.0, 1.0 - (age - 7) / 83)
    return Breakdown(
        (skills, title, seniority, location, salary, language, recency),
        tuple(gates),
        role.label if role else None,
        role.source if role else None,
    )


def _location(p: ProfileFeatures, o: OfferFeatures, gates: list[tuple[str, str]]) -> float:
    remote = o.remote_policy == "remote"
    place_match = bool(p.places and o.places and not p.places.isdisjoint(o.places))
    if p.remote == RemotePreference.REMOTE:
        if remote:
            return 1.0
        if o.remote_policy in ("onsite", "hybrid") and not place_match:
            gates.append(("location", f"{o.remote_policy} work, and the profile wants remote only"))
            return 0.0
        return NEUTRAL
    if place_match:
        return 1.0
    if remote:
        return 0.7 if p.remote == RemotePreference.ONSITE else 1.0
    if p.places and o.places:
        where = "; ".join(o.place_labels) or "elsewhere"
        gates.append(("location", f"located in {where}, outside the preferred locations"))
        return 0.0
    return NEUTRAL


def _salary(p: ProfileFeatures, o: OfferFeatures, gates: list[tuple[str, str]]) -> float:
    floor = p.salary_floor
    top = o.salary_max if o.salary_max is not None else o.salary_min
    comparable = (
        o.salary_currency is None or p.salary_currency is None or o.salary_currency == p.salary_currency
    )
    if floor is None or top is None or not comparable:
        return NEUTRAL  # unknown salary, or another currency (no FX conversion): neutral
    if top < floor:
        if o.salary_source == "listed":
            gates.append(
                (
                    "salary",
                    f"listed salary up to {top:,.0f} {o.salary_currency or ''} is below the floor "
                    f"of {floor:,.0f}".replace("  ", " "),
                )
            )
        return 0.0
    bottom = o.salary_min if o.salary_min is not None else top
    return 1.0 if bottom >= floor else 0.75


def explain(p: ProfileFeatures, o: OfferFeatures, b: Breakdown, computed_at: datetime) -> Explanation:
    """The standard explanation payload for a breakdown."""
    matched = sorted(p.skill_display.get(k, k) for k in (o.required | o.nice) & p.skills)
    display = dict(o.skill_names)
    missing_required = sorted(display.get(k, k) for k in o.required - p.skills)
    missing_nice = sorted(display.get(k, k) for k in o.nice - p.skills)
    evidence: dict[str, dict[str, object]] = {
        "skills": {
            "matched": matched,
            "missing_required": missing_required,
            "missing_nice_to_have": missing_nice,
        },
        "title": {
            "offer_title": o.title,
            "offer_families": sorted(o.families),
            "closest_role": b.role,
            "closest_role_source": b.role_source,
        },
        "seniority": {"profile": p.seniority, "offer": o.seniority},
        "location": {
            "remote_policy": o.remote_policy,
            "offer_places": list(o.place_labels),
            "preferred": list(p.place_labels),
            "preference": str(p.remote),
            "preferences_from": _source(p),
        },
        "salary": {
            "offer_annual_min": o.salary_min,
            "offer_annual_max": o.salary_max,
            "currency": o.salary_currency,
            "source": o.salary_source,
            "floor_annual": p.salary_floor,
            "floor_from": _source(p),
        },
        "language": {"offer": o.language, "profile": sorted(p.languages)},
        "recency": {
            "posted_at": None if o.posted_ts is None else datetime.fromtimestamp(o.posted_ts, UTC).isoformat()
        },
    }
    components = [
        Component(
            feature=name,
            weight=weight,
            value=round(value, 4),
            contribution=round(weight * value, 2),
            evidence=evidence[name],
        )
        for (name, weight), value in zip(WEIGHTS.items(), b.values, strict=True)
    ]
    failed = dict(b.failed_gates)
    gates = [
        Gate(gate=g, passed=g not in failed, reason=failed.get(g, "ok"))
        for g in ("location", "salary", "language")
    ]
    return Explanation(
        kind="deterministic",
        version=RULESET_VERSION,
        total=b.total,
        excluded=b.excluded,
        components=components,
        gates=gates,
        summary=_summary(b, matched, missing_required, failed),
        audit=Audit(
            profile_uid=p.uid,
            profile_version=p.version,
            offer_id=o.offer_id,
            offer_content_hash=o.content_hash,
            computed_at=computed_at,
        ),
    )


def _source(p: ProfileFeatures) -> str:
    return "profile_inputs" if p.from_inputs else "profile_version"


def _summary(b: Breakdown, matched: list[str], missing: list[str], failed: dict[str, str]) -> str:
    if failed:
        return "Excluded: " + "; ".join(failed.values()) + "."
    total = len(matched) + len(missing)
    verdict = "Strong match" if b.total >= 70 else "Good match" if b.total >= 50 else "Weak match"
    skills = f"{len(matched)} of {total} listed skills" if total else "no recognised skills listed"
    if matched:
        skills += " (" + ", ".join(matched[:3]) + (", ..." if len(matched) > 3 else "") + ")"
    if b.role is None:
        role = ", title unlike your roles"
    elif b.role_source == "target_role":
        role = f", title close to your target role '{b.role}'"
    else:
        role = f", title close to '{b.role}'"
    return f"{verdict} ({b.total:.0f}/100): {skills}{role}."
