"""The heuristic provider's rules: CV text -> ProfileDraft, with section rules and the taxonomy.

Apart from the provider so that the rule modules load on the first CV read, not whenever the
provider is built (a profile task for an unknown document never reads one).
"""

from __future__ import annotations

import re
from datetime import date

from shared.domain.cv import facts as cv_facts
from shared.domain.cv.dates import DateRange, find_ranges, reference_month, total_years
from shared.domain.cv.sections import Section, of_kind, split_sections
from shared.domain.cv.work import TITLE_RE, Job, extract_jobs, seniority
from shared.domain.profiles import ProfileDraft, SkillItem
from shared.domain.skills import SkillMatcher, evidence_for
from shared.domain.text import clean_text
from shared.domain.titles import title_level

MAX_SKILLS = 120


def draft_profile(cv_text: str, today: date, matcher: SkillMatcher) -> ProfileDraft:
    """The deterministic draft for ``cv_text``; ``today`` bounds open-ended date ranges."""
    text = clean_text(cv_text)
    sections = split_sections(text)
    jobs = [job for s in of_kind(sections, "experience") for job in _dated_jobs(list(s.lines))]
    ranges = _experience_ranges(sections, jobs)
    present = reference_month(text, today)
    years = _years(text, ranges, present)
    headline = _headline(sections, jobs)
    recent = [j.item.title for j in _most_recent(jobs)]
    experience_text = "\n".join(s.text for s in sections if s.kind in ("experience", "summary", "header"))
    return ProfileDraft(
        headline=headline,
        summary=_summary(sections),
        seniority=seniority([t for t in (headline, *recent) if t], years),
        years_experience=years,
        work_history=[j.item for j in jobs],
        skills=_skills(text, matcher),
        languages=cv_facts.languages(sections, text),
        locations=cv_facts.locations(sections),
        education=cv_facts.education(sections),
        certifications=cv_facts.certifications(sections),
        industries=cv_facts.industries(experience_text),
    )


_STATED_YEARS = re.compile(
    r"(?P<over>over|more\s+than|mehr\s+als|über|plus\s+de|más\s+de)?\s*"
    r"(?<![\d.])(?P<n>\d{1,2}(?:[.,]5)?)\s*(?P<plus>\+)?\s*(?:years?|yrs?|jahre[n]?|años|ans)\s+"
    r"(?:of\s+)?(?:(?:professional|industry|work|hands-on|relevant)\s+)?"
    r"(?:experience|berufserfahrung|erfahrung|de\s+experiencia|d['’]exp[ée]rience)",
    re.IGNORECASE,
)


def _years(text: str, ranges: list[DateRange], present: int) -> float | None:
    """Years of experience: what the CV states about itself ("5 years of experience") when it
    does, since its ranges may include study, research or side projects, and "Present" in an
    old CV runs to today. "Over 20 years" / "20+ years" is a floor: a larger total of the ranges
    is kept."""
    computed = total_years(ranges, present)
    stated = [
        (float(m.group("n").replace(",", ".")), bool(m.group("over") or m.group("plus")))
        for m in _STATED_YEARS.finditer(text)
    ]
    stated = [(n, floor) for n, floor in stated if 0 < n <= 50]
    if not stated:
        return computed
    n, floor = max(stated)
    if floor and computed is not None and computed > n:
        return computed
    return n


def _dated_jobs(lines: list[str]) -> list[Job]:
    """Jobs of one experience section; a current range no job claimed (moderncv prints the
    first job's "2017 – Present" gutter after the list) goes to the first undated job."""
    jobs = extract_jobs(lines)
    claimed = {j.dates for j in jobs if j.dates is not None}
    spare = [r for r in find_ranges("\n".join(lines)) if r.current and r not in claimed]
    undated = [i for i, j in enumerate(jobs) if j.dates is None]
    if len(spare) == 1 and undated:
        i, dates = undated[0], spare[0]
        item = jobs[i].item.model_copy(update={"start": dates.start_label, "end": None, "current": True})
        jobs[i] = Job(item, dates)
    return jobs


def _skills(text: str, matcher: SkillMatcher) -> list[SkillItem]:
    seen: dict[str, SkillItem] = {}
    for hit in matcher.find_skills(text):
        if hit.name not in seen:
            seen[hit.name] = SkillItem(name=hit.name, category=hit.category, evidence=evidence_for(text, hit))
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
