"""Profile history: refinement (version N+1 from N plus corrections) and diffs between versions."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shared.domain.errors import InvalidInput
from shared.domain.profiles import CareerProfile, Corrections, ProfileSkill, Provenance, TokenUsage
from shared.domain.skills import canonical

_COMPARED = (
    "headline",
    "summary",
    "seniority",
    "years_experience",
    "work_history",
    "languages",
    "locations",
    "education",
    "certifications",
    "industries",
    "feedback",
    "preferences",
)


def refinement_hash(parent: CareerProfile, corrections: Corrections) -> str:
    """The inputs hash of a refinement: its parent's hash plus the corrections."""
    raw = json.dumps(
        {
            "parent": parent.provenance.inputs_hash,
            "parent_version": parent.version,
            "corrections": corrections.model_dump(mode="json"),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def apply_corrections(
    parent: CareerProfile, corrections: Corrections, *, version: int, at: datetime
) -> CareerProfile:
    """Version ``version`` made of ``parent`` plus the user's corrections (InvalidInput if none apply)."""
    if corrections.is_empty():
        raise InvalidInput("corrections are empty")
    skills = _removed(parent.skills, corrections.remove_skills)
    skills = _added(skills, corrections.add_skills)
    work = list(parent.work_history)
    for fix in corrections.fix_titles:
        if fix.index >= len(work):
            raise InvalidInput(
                f"fix_titles index {fix.index} is out of range (work_history has {len(work)} entries)"
            )
        work[fix.index] = work[fix.index].model_copy(update={"title": fix.title})
    feedback = (
        [*parent.feedback, corrections.feedback.strip()] if corrections.feedback.strip() else parent.feedback
    )
    provenance = Provenance(
        source_document_ids=parent.provenance.source_document_ids,
        source_sha256s=parent.provenance.source_sha256s,
        inputs_hash=refinement_hash(parent, corrections),
        provider=parent.provenance.provider,
        model=parent.provenance.model,
        prompt_version=parent.provenance.prompt_version,
        created_at=at,
        latency_ms=0,
        token_usage=TokenUsage(),
        parent_version=parent.version,
        corrections=corrections,
    )
    return parent.model_copy(
        update={
            "version": version,
            "skills": skills,
            "work_history": work,
            "headline": corrections.headline or parent.headline,
            "seniority": corrections.seniority or parent.seniority,
            "feedback": feedback,
            "provenance": provenance,
        }
    )


def _removed(skills: list[ProfileSkill], names: list[str]) -> list[ProfileSkill]:
    drop = {_canonical_key(n) for n in names}
    return [s for s in skills if _canonical_key(s.name) not in drop]


def _added(skills: list[ProfileSkill], names: list[str]) -> list[ProfileSkill]:
    out = list(skills)
    have = {_canonical_key(s.name) for s in out}
    for raw in names:
        known = canonical(raw)
        name = known.name if known else raw.strip()
        if _canonical_key(name) in have:
            continue
        have.add(_canonical_key(name))
        # The user vouches for it; there is no CV quote, so the evidence stays empty.
        out.append(
            ProfileSkill(name=name, category=known.category if known else "other", evidence="", source="user")
        )
    return out


def _canonical_key(name: str) -> str:
    known = canonical(name)
    return (known.name if known else name.strip()).casefold()


def diff_profiles(a: CareerProfile, b: CareerProfile) -> dict[str, Any]:
    """What changed from ``a`` to ``b``: skills added and removed, and every other changed field."""
    a_skills = {s.name.casefold(): s.name for s in a.skills}
    b_skills = {s.name.casefold(): s.name for s in b.skills}
    changed: dict[str, Any] = {}
    for name in _COMPARED:
        before, after = _dump(getattr(a, name)), _dump(getattr(b, name))
        if before != after:
            changed[name] = {"from": before, "to": after}
    return {
        "from_version": a.version,
        "to_version": b.version,
        "skills_added": sorted(b_skills[k] for k in b_skills.keys() - a_skills.keys()),
        "skills_removed": sorted(a_skills[k] for k in a_skills.keys() - b_skills.keys()),
        "changed": changed,
    }


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value
