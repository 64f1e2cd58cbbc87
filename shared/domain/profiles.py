"""Career profiles: what matching and scoring read about a job seeker.

Two shapes:

- ``ProfileDraft`` is what a provider (Gemini or the offline heuristic) may return: facts read
  from one CV, nothing else. It is kept small because it doubles as the LLM response schema.
- ``CareerProfile`` is one stored, immutable version at ``users/{uid}/career_profiles/{version}``:
  the draft's facts, the user's stated preferences, and provenance (which inputs, which
  provider/model/prompt, cost). Versions start at 1; refinement makes N+1 from N.

Invariants matching may rely on:

- ``skills[].name`` is the canonical taxonomy name when the skill is in
  ``shared/data/skills.json`` (compare names case-insensitively), and names are unique per profile.
- ``skills[].evidence`` is a quote that occurs in the CV text (whitespace-normalised) for every
  skill whose ``source`` is ``"cv"``; skills the user added in a refinement carry ``source="user"``
  and an empty evidence.
- ``years_experience`` is total professional time with overlapping jobs merged, or None when
  the CV shows no dated job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints

from shared.domain.accounts import ProfileInputs, RemotePreference, SalaryFloor
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1

Seniority = Literal["intern", "junior", "mid", "senior", "lead", "principal", "executive", "unknown"]
SENIORITIES: tuple[Seniority, ...] = (
    "intern",
    "junior",
    "mid",
    "senior",
    "lead",
    "principal",
    "executive",
    "unknown",
)


def _clip(limit: int) -> Any:
    # Provider output is clipped, not rejected: one overlong field must not void a whole profile.
    def clip(value: Any) -> Any:
        return value.strip()[:limit] if isinstance(value, str) else value

    return BeforeValidator(clip)


def _clamp_years(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return min(max(float(value), 0.0), 70.0)
    return value


ShortText = Annotated[str, _clip(300)]
LongText = Annotated[str, _clip(1500)]
SkillName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class WorkItem(DomainModel):
    """One job. Dates are ``YYYY-MM`` or ``YYYY`` as the CV states them; ``end`` is None when current."""

    title: ShortText = Field(description="job title as written in the CV")
    employer: ShortText | None = Field(None, description="company or organisation")
    start: str | None = Field(None, description="start date, YYYY-MM or YYYY")
    end: str | None = Field(None, description="end date, YYYY-MM or YYYY; null when current")
    current: bool = Field(False, description="true when the CV says the job continues (Present)")


class SkillItem(DomainModel):
    """A skill read from the CV, with the quote that shows it."""

    name: Annotated[str, _clip(80)] = Field(
        description="short skill name, e.g. Python, Kubernetes, Product management"
    )
    category: ShortText = Field("other", description="language, framework, cloud, data, devops, ...")
    evidence: ShortText = Field(description="an exact quote from the CV text that shows the skill")


class EducationItem(DomainModel):
    """A degree or diploma."""

    degree: ShortText = Field(description="degree as written, e.g. Bachelor of Science in Computer Science")
    institution: ShortText | None = Field(None, description="school or university")
    end: str | None = Field(None, description="graduation year, YYYY")


class LanguageItem(DomainModel):
    """A spoken language."""

    name: ShortText = Field(description="language name in English, e.g. Spanish")
    level: ShortText | None = Field(None, description="level as written (native, fluent, C1, ...)")


class ProfileDraft(DomainModel):
    """What a provider may return for one CV (also the LLM response schema): no provenance."""

    headline: ShortText = Field("", description="one-line professional headline")
    summary: LongText = Field("", description="two or three sentences on the candidate")
    seniority: Seniority = Field("unknown", description="overall seniority")
    years_experience: Annotated[float | None, BeforeValidator(_clamp_years)] = Field(
        None, description="total years of professional experience, overlaps merged"
    )
    work_history: list[WorkItem] = Field(default_factory=list, description="jobs, most recent first")
    skills: list[SkillItem] = Field(default_factory=list, description="skills, each with an evidence quote")
    languages: list[LanguageItem] = Field(default_factory=list, description="spoken languages")
    locations: list[ShortText] = Field(default_factory=list, description="where the candidate is based")
    education: list[EducationItem] = Field(default_factory=list)
    certifications: list[ShortText] = Field(default_factory=list)
    industries: list[ShortText] = Field(default_factory=list, description="industries worked in")


class ProfileSkill(SkillItem):
    """A skill of a stored profile: ``source`` says whether the CV or the user vouches for it."""

    source: Literal["cv", "user"] = "cv"


class Preferences(DomainModel):
    """The user's stated preferences, copied from their profile inputs at generation time."""

    target_roles: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    remote: RemotePreference = RemotePreference.ANY
    salary_floor: SalaryFloor | None = None

    @classmethod
    def from_inputs(cls, inputs: ProfileInputs | None) -> Preferences:
        """Copy the preference fields of profile inputs (none stated -> defaults)."""
        if inputs is None:
            return cls()
        return cls(
            target_roles=list(inputs.target_roles),
            locations=list(inputs.preferred_locations),
            remote=inputs.remote_preference,
            salary_floor=inputs.salary_floor,
        )


class TokenUsage(DomainModel):
    """LLM tokens a generation consumed (zero for the heuristic provider)."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0


class TitleFix(DomainModel):
    """Replace the title of ``work_history[index]``."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, le=100)
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Corrections(DomainModel):
    """A user's corrections to one version (POST /career-profiles/{version}:refine)."""

    model_config = ConfigDict(extra="forbid")

    add_skills: list[SkillName] = Field(default_factory=list, max_length=50)
    remove_skills: list[SkillName] = Field(default_factory=list, max_length=50)
    fix_titles: list[TitleFix] = Field(default_factory=list, max_length=50)
    headline: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None
    ) = None
    seniority: Seniority | None = None
    feedback: str = Field("", max_length=2000)

    def is_empty(self) -> bool:
        """True when applying these corrections would change nothing."""
        return not (
            self.add_skills
            or self.remove_skills
            or self.fix_titles
            or self.headline
            or self.seniority
            or self.feedback.strip()
        )


class Provenance(DomainModel):
    """Where a version came from. A refinement keeps the parent's sources and names the parent."""

    source_document_ids: list[str]
    source_sha256s: list[str]
    inputs_hash: str
    provider: str = Field(description="'gemini', 'heuristic', or 'refinement'")
    model: str
    prompt_version: str
    created_at: datetime
    latency_ms: int = 0
    token_usage: TokenUsage = Field(default_factory=TokenUsage)
    parent_version: int | None = None
    corrections: Corrections | None = None


class CareerProfile(DomainModel):
    """One stored version of a user's career profile (see the module docstring for invariants)."""

    uid: str
    version: int = Field(ge=1)
    schema_version: int = SCHEMA_VERSION
    headline: str = ""
    summary: str = ""
    seniority: Seniority = "unknown"
    years_experience: float | None = None
    work_history: list[WorkItem] = Field(default_factory=list)
    skills: list[ProfileSkill] = Field(default_factory=list)
    languages: list[LanguageItem] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    education: list[EducationItem] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    feedback: list[str] = Field(default_factory=list, description="free-text feedback from refinements")
    preferences: Preferences = Field(default_factory=Preferences)
    provenance: Provenance

    @property
    def skill_names(self) -> list[str]:
        """Skill names in profile order."""
        return [s.name for s in self.skills]

    @classmethod
    def from_draft(
        cls, draft: ProfileDraft, *, uid: str, version: int, preferences: Preferences, provenance: Provenance
    ) -> CareerProfile:
        """A version built from a provider's draft."""
        facts = draft.model_dump()
        return cls(uid=uid, version=version, preferences=preferences, provenance=provenance, **facts)
