"""The deterministic, explainable matcher (ruleset ``match-v2``, see docs/decisions/0110).

A score is 0-100: the sum of weighted feature values in [0, 1]. Hard gates exclude an offer
with a reason. Ranking runs ``score()`` (set arithmetic only) over every offer and builds the
full ``Explanation`` only for the rows it returns; both read the same ``Breakdown``, so the
explanation always adds up to the ranked score.

Neutral values: a feature the offer says nothing about (no salary, no date, no seniority
word, no recognisable skill) gets a fixed middle value, never a guess.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.domain.accounts import RemotePreference
from shared.domain.matching.explanation import Audit, Component, Explanation, Gate
from shared.domain.matching.features import (
    GENERIC_ROLE_WORDS,
    FeatureRecord,
    OfferFeatures,
    ProfileFeatures,
)
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
MIN_SKILL_TENTHS = round(MIN_SKILL_EVIDENCE * 10)  # the same, in the stored weights' tenths
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
        return total_of(self.values)

    @property
    def excluded(self) -> bool:
        """True when a hard gate failed."""
        return bool(self.failed_gates)


_WEIGHT_VALUES = tuple(WEIGHTS.values())
_W_SKILLS, _W_TITLE, _W_SENIORITY, _W_LOCATION, _W_SALARY, _W_LANGUAGE, _W_RECENCY = _WEIGHT_VALUES
# The most the features after skills and title can add (every value is at most 1), and a margin
# for the rounding of totals to 2 decimals: a bound an offer's total never exceeds.
_REST_MAX = _W_SENIORITY + _W_LOCATION + _W_SALARY + _W_LANGUAGE + _W_RECENCY + 0.01
_AFTER_TITLE_MAX = _W_SKILLS + _REST_MAX  # the same with skills not computed yet
# Failed gates of an evaluation, as bits (reasons are written only for the rows explained).
LOCATION_GATE, SALARY_GATE, LANGUAGE_GATE = 1, 2, 4
# A scored offer as ranking sorts it: (excluded, -total, offer id, position in the input, failed
# gate bits, values in WEIGHTS order, index of the closest role or -1). The position makes the
# order total (ties end there), so the rest is never compared.
Row = tuple[bool, float, str, int, int, tuple[float, ...], int]


def total_of(values: tuple[float, ...]) -> float:
    """The 0-100 score of feature values (in WEIGHTS order), rounded to 2 decimals.

    Summed left to right in one expression (not ``sum()``, whose float algorithm differs
    between Python versions): the same values give the same total everywhere.
    """
    skills, title, seniority, location, salary, language, recency = values
    return round(
        _W_SKILLS * skills
        + _W_TITLE * title
        + _W_SENIORITY * seniority
        + _W_LOCATION * location
        + _W_SALARY * salary
        + _W_LANGUAGE * language
        + _W_RECENCY * recency,
        2,
    )


class Scorer:
    """One profile's scoring of many offers, read from their stored form (``FeatureRecord``).

    What depends only on the profile is computed once: which roles each title word belongs to,
    the seniority fit of every level, and (memoised per offer family set) the closeness of the
    offer's families to each role. Per offer, ``row`` does a few set and dictionary lookups and
    integer sums (exact, so the same in every process whatever order a set yields).
    """

    __slots__ = (
        "_as_of",
        "_families",
        "_languages",
        "_onsite",
        "_p",
        "_places",
        "_remote_only",
        "_roles",
        "_seniority",
        "_skills",
        "_word_set",
        "_words",
    )

    def __init__(self, p: ProfileFeatures, as_of: float) -> None:
        self._p = p
        self._as_of = as_of
        self._skills = p.skills
        self._roles = p.roles
        self._places = p.places
        self._languages = p.languages
        self._remote_only = p.remote == RemotePreference.REMOTE
        self._onsite = p.remote == RemotePreference.ONSITE
        words: dict[str, list[tuple[int, float]]] = {}
        for i, role in enumerate(p.roles):
            for word in sorted(role.tokens):
                words.setdefault(word, []).append((i, 0.5 if word in GENERIC_ROLE_WORDS else 1.0))
        self._words = {w: tuple(hits) for w, hits in words.items()}
        self._word_set = frozenset(words)
        self._families: dict[tuple[str, ...], tuple[tuple[float, ...], float, int]] = {}
        mine = SENIORITY_RANK.get(p.seniority) if p.seniority is not None else None
        self._seniority: dict[str | None, float] = {
            level: NEUTRAL if mine is None else _SENIORITY_FIT[min(abs(mine - rank), 3)]
            for level, rank in SENIORITY_RANK.items()
        }

    def _closeness(self, key: tuple[str, ...]) -> tuple[tuple[float, ...], float, int]:
        """Per role, the closeness of these offer families; and the best title value (and its
        role, -1 for none) an offer with these families gets when it shares no title word."""
        close = tuple(max([r.closeness.get(f, 0.0) for f in key], default=0.0) for r in self._roles)
        best, best_role = 0.0, -1
        for i, (role, family) in enumerate(zip(self._roles, close, strict=True)):
            value = role.weight * (FAMILY_SHARE * family + (1 - FAMILY_SHARE) * 0.0) if family else 0.0
            if value > best:
                best, best_role = value, i
        found = self._families[key] = (close, best, best_role)
        return found

    def row(self, o: FeatureRecord, position: int = 0) -> Row:
        """One offer scored, as ranking sorts it."""
        title, best = self._title(o)
        return self._row(o, position, self._skills_value(o), title, best)

    def rows(self, records: Sequence[FeatureRecord], top: int, include_excluded: bool) -> list[Row]:
        """Rows of these offers that may be among the ``top`` best (the hot path of ranking).

        The title (40 points) is computed first, then skills (30): an offer whose total could
        not reach the ``top``-th best total seen so far, even with full marks on every feature
        not computed yet, is left out there. The rows kept always contain the ``top`` best, so
        ``heapq.nsmallest(top, rows)`` is the same as over every row.
        """
        out: list[Row] = []
        best_totals: list[float] = []  # the `top` highest totals of offers no gate excludes
        floor = -1.0  # the lowest of them once there are `top` (an offer must beat it)
        title_of, skills_of, make_row = self._title, self._skills_value, self._row
        for n, o in enumerate(records):
            title, best = title_of(o)
            if _W_TITLE * title + _AFTER_TITLE_MAX < floor:
                continue
            skills = skills_of(o)
            if _W_SKILLS * skills + _W_TITLE * title + _REST_MAX < floor:
                continue
            row = make_row(o, n, skills, title, best)
            if row[0]:
                if include_excluded:
                    out.append(row)
                continue
            out.append(row)
            if len(best_totals) < top:
                heapq.heappush(best_totals, -row[1])
                if len(best_totals) == top:
                    floor = best_totals[0]
            elif -row[1] > floor:
                heapq.heapreplace(best_totals, -row[1])
                floor = best_totals[0]
        return out

    def _skills_value(self, o: FeatureRecord) -> float:
        """Matched skill points over the offer's (required count double; an offer naming fewer
        than four core skills is thin evidence, hence the floor on the denominator)."""
        points = o["skills"]
        matched = self._skills.intersection(points)
        if not matched:
            return 0.0
        total = o["skill_total"]
        return sum(map(points.__getitem__, matched)) / (
            total if total > MIN_SKILL_TENTHS else MIN_SKILL_TENTHS
        )

    def _title(self, o: FeatureRecord) -> tuple[float, int]:
        """The title value of one offer and the index of its closest role (-1: none).

        Closeness of role families and word overlap (weighted Dice) with the best of the
        profile's roles, times that role's weight (target roles, headline, current role in full;
        past roles less with age). Roles sharing no word with the title are covered by the memo.
        """
        key = tuple(o["families"])
        close, title, best = self._families.get(key) or self._closeness(key)
        words = o["title_tokens"]
        if self._word_set.isdisjoint(words):
            return title, best
        common: dict[int, float] = {}
        for word in self._word_set.intersection(words):
            for i, w in self._words[word]:
                common[i] = common.get(i, 0.0) + w  # halves and ones: exact in any order
        roles = self._roles
        size = o["title_size"]
        for i in sorted(common):
            role = roles[i]
            dice = 2 * common[i] / (size + role.token_weight)
            family = close[i]
            value = role.weight * (
                FAMILY_SHARE * family + (1 - FAMILY_SHARE) * dice if family else WORDS_ONLY * dice
            )
            if value > title or (value == title and i < best):
                title, best = value, i
        return title, best

    def _row(self, o: FeatureRecord, position: int, skills: float, title: float, best: int) -> Row:
        gates = 0
        seniority = self._seniority.get(o["seniority"], NEUTRAL)
        # location
        policy = o["remote_policy"]
        places = o["places"]
        mine = self._places
        place_match = bool(mine and places and not mine.isdisjoint(places))
        if self._remote_only:
            if policy == "remote":
                location = 1.0
            elif not place_match and (policy == "onsite" or policy == "hybrid"):
                location, gates = 0.0, LOCATION_GATE
            else:
                location = NEUTRAL
        elif place_match:
            location = 1.0
        elif policy == "remote":
            location = 0.7 if self._onsite else 1.0
        elif mine and places:
            location, gates = 0.0, LOCATION_GATE
        else:
            location = NEUTRAL
        # salary: unknown, or in another currency (no FX conversion): neutral
        low, high = o["salary_min"], o["salary_max"]
        if high is None and low is None:
            salary = NEUTRAL
        else:
            salary = self._salary(low, high, o["salary_currency"], o["salary_source"])
            if salary < 0:
                salary, gates = 0.0, gates | SALARY_GATE
        # language: a posting written in a language the profile lacks requires it
        code = o["language"]
        if code is None:
            language = NEUTRAL
        elif code in self._languages:
            language = 1.0
        else:
            language, gates = 0.0, gates | LANGUAGE_GATE
        posted = o["posted_ts"]
        if posted is None:
            recency = NEUTRAL
        else:
            age = (self._as_of - posted) / _DAY
            recency = 1.0 if age <= 7 else max(0.0, 1.0 - (age - 7) / 83)
        values = (skills, title, seniority, location, salary, language, recency)
        return (gates != 0, -total_of(values), o["offer_id"], position, gates, values, best)

    def _salary(
        self, low: float | None, high: float | None, currency: str | None, source: str | None
    ) -> float:
        """The salary value of a stated pay range; -1 when a listed salary fails the floor gate."""
        p = self._p
        floor = p.salary_floor
        top = high if high is not None else low
        if floor is None or top is None:
            return NEUTRAL
        if currency is not None and p.salary_currency is not None and currency != p.salary_currency:
            return NEUTRAL
        if top < floor:
            return -1.0 if source == "listed" else 0.0
        bottom = low if low is not None else top
        return 1.0 if bottom >= floor else 0.75

    def breakdown(self, o: FeatureRecord) -> Breakdown:
        """The full breakdown of one offer: values, failed gates with their reasons, closest role."""
        _, _, _, _, gates, values, best = self.row(o)
        role = self._roles[best] if best >= 0 else None
        return Breakdown(
            values,
            _reasons(self._p, o, gates),
            role.label if role else None,
            role.source if role else None,
        )


def _reasons(p: ProfileFeatures, o: FeatureRecord, gates: int) -> tuple[tuple[str, str], ...]:
    """The failed gates (in evaluation order) with the reason shown to the user."""
    out: list[tuple[str, str]] = []
    if gates & LOCATION_GATE:
        if p.remote == RemotePreference.REMOTE:
            out.append(("location", f"{o['remote_policy']} work, and the profile wants remote only"))
        else:
            where = "; ".join(o["place_labels"]) or "elsewhere"
            out.append(("location", f"located in {where}, outside the preferred locations"))
    if gates & SALARY_GATE:
        top = o["salary_max"] if o["salary_max"] is not None else o["salary_min"]
        out.append(
            (
                "salary",
                f"listed salary up to {top:,.0f} {o['salary_currency'] or ''} is below the floor "
                f"of {p.salary_floor:,.0f}".replace("  ", " "),
            )
        )
    if gates & LANGUAGE_GATE:
        out.append(("language", f"the posting is in '{o['language']}', which the profile does not list"))
    return tuple(out)


def score(p: ProfileFeatures, o: OfferFeatures | FeatureRecord, as_of: float) -> Breakdown:
    """Feature values and gates for one offer (ranking many offers uses one ``Scorer``)."""
    return Scorer(p, as_of).breakdown(o.to_record() if isinstance(o, OfferFeatures) else o)


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
