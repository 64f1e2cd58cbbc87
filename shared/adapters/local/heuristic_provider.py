"""The offline profile provider: deterministic rules instead of an LLM.

Labelled ``provider: "heuristic"``, model ``heuristic-v1`` in every profile it makes, so it is
never passed off as an LLM. Same text and same reference date in, byte-identical draft out.
See docs/decisions/0061-heuristic-provider.md for what it does and does not recognise.
"""

from __future__ import annotations

import re
import time

from shared.adapters.local import cv_facts
from shared.adapters.local.cv_dates import DateRange, find_ranges, reference_month, total_years
from shared.adapters.local.cv_sections import Section, of_kind, split_sections
from shared.adapters.local.cv_work import TITLE_RE, Job, extract_jobs, seniority, title_level
from shared.domain.accounts import ProfileInputs
from shared.domain.profiles import ProfileDraft, SkillItem, TokenUsage
from shared.domain.skills import SkillMatcher, default_matcher, evidence_for
from shared.domain.text import clean_text
from shared.ports import Clock, ProviderResult

PROVIDER = "heuristic"
MODEL = "heuristic-v1"
RULES_VERSION = "heuristic-rules-v1"
MAX_SKILLS = 120


class HeuristicProfileProvider:
    """Builds a ProfileDraft from CV text with section rules and the skill taxonomy."""

    name = PROVIDER
    model = MODEL
    prompt_version = RULES_VERSION

    def __init__(self, clock: Clock, matcher: SkillMatcher | None = None) -> None:
        self._clock = clock
        # Resolved on first use: building the taxonomy matcher costs ~0.1 s, which a task that
        # fails before generating (unknown document) should not pay on a cold start.
        self._given_matcher = matcher

    @property
    def _matcher(self) -> SkillMatcher:
        return self._given_matcher or default_matcher()

    def generate(self, cv_text: str, inputs: ProfileInputs | None = None) -> ProviderResult:
        """Read the CV; ``inputs`` are not needed (preferences are copied by the service)."""
        started = time.perf_counter()
        draft = self.draft(cv_text)
        latency = int((time.perf_counter() - started) * 1000)
        return ProviderResult(draft, PROVIDER, MODEL, RULES_VERSION, latency, TokenUsage())

    def draft(self, cv_text: str) -> ProfileDraft:
        """The deterministic draft for ``cv_text``."""
        text = clean_text(cv_text)
        sections = split_sections(text)
        jobs = [job for s in of_kind(sections, "experience") for job in extract_jobs(list(s.lines))]
        ranges = _experience_ranges(sections, jobs)
        present = reference_month(text, self._clock.now().date())
        years = total_years(ranges, present)
        headline = _headline(sections, jobs)
        recent = [j.item.title for j in _most_recent(jobs)]
        experience_text = "\n".join(s.text for s in sections if s.kind in ("experience", "summary", "header"))
        return ProfileDraft(
            headline=headline,
            summary=_summary(sections),
            seniority=seniority([t for t in (headline, *recent) if t], years),
            years_experience=years,
            work_history=[j.item for j in jobs],
            skills=self._skills(text),
            languages=cv_facts.languages(sections, text),
            locations=cv_facts.locations(sections),
            education=cv_facts.education(sections),
            certifications=cv_facts.certifications(sections),
            industries=cv_facts.industries(experience_text),
        )

    def _skills(self, text: str) -> list[SkillItem]:
        seen: dict[str, SkillItem] = {}
        for hit in self._matcher.find_skills(text):
            if hit.name not in seen:
                seen[hit.name] = SkillItem(
                    name=hit.name, category=hit.category, evidence=evidence_for(text, hit)
                )
        return list(seen.values())[:MAX_SKILLS]


def _experience_ranges(sections: list[Section], jobs: list[Job]) -> list[DateRange]:
    """Every range in experience sections except those of internships (not professional time)."""
    internships = {j.dates for j in jobs if j.dates is not None and title_level(j.item.title) == "intern"}
    ranges = [r for s in of_kind(sections, "experience") for r in find_ranges(s.text)]
    return [r for r in ranges if r not in internships]


def _most_recent(jobs: list[Job]) -> list[Job]:
    """Current jobs, else the one with the latest start, else the first listed."""
    current = [j for j in jobs if j.item.current]
    if current:
        return current
    dated = [j for j in jobs if j.dates is not None]
    if dated:
        return [max(dated, key=lambda j: j.dates.start if j.dates else 0)]
    return jobs[:1]


def _headline(sections: list[Section], jobs: list[Job]) -> str:
    """A short title line in the header ("Senior Software Engineer"), else the latest job title."""
    header = sections[0] if sections and sections[0].kind == "header" else None
    for line in header.lines if header else ():
        text = line.strip()
        if text and len(text.split()) <= 8 and TITLE_RE.search(text) and "@" not in text:
            return text
    recent = _most_recent(jobs)
    return recent[0].item.title if recent else ""


def _summary(sections: list[Section]) -> str:
    """The summary/objective section as one paragraph (capped), else a sentence of the header."""
    for section in of_kind(sections, "summary"):
        body = " ".join(" ".join(section.lines).split())
        if body:
            return body[:600].rsplit(" ", 1)[0] if len(body) > 600 else body
    header = sections[0].lines if sections and sections[0].kind == "header" else ()
    sentences = [
        line.strip()
        for line in header
        if len(line.split()) >= 6 and "@" not in line and not re.search(r"\d{3}", line)
    ]
    return max(sentences, key=len) if sentences else ""
