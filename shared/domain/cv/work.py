"""Work history from experience sections, and seniority from titles and years.

CV layouts put the parts of a job in different places; the ones recognised here:

- one line: "Full Stack Java Developer, ABC Company, Inc., Anywhere, USA, June 2018 - Present";
- title line, then dates, then "Employer • City" (Chromium exports, Typst);
- "EMPLOYER | TITLE" then "Jan 2015 - Present | City" (Deedy);
- employer and city lines, then title, then dates (Awesome-CV);
- a date gutter line before "Title, Employer, City" (moderncv).

A title line is a short, non-bullet line holding a job word (engineer, developer, manager,
teacher, ingeniero, ...). Its dates are on the same line, else the next line, else the line
before. Lines that match nothing are skipped: the heuristic prefers a shorter honest history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from shared.domain.cv.dates import DateRange, find_ranges
from shared.domain.profiles import Seniority, WorkItem
from shared.domain.titles import SENIORITY_RANK, title_level

_TITLE_WORDS = (
    r"engineer|developer|manager|director|analyst|scientist|architect|consultant|designer|intern|"
    r"lead|leader|teacher|tutor|advisor|adviser|specialist|administrator|officer|founder|co-founder|"
    r"researcher|head|president|vp|cto|ceo|cfo|coo|cio|coordinator|assistant|associate|fellow|"
    r"programmer|technician|owner|placement|contributor|sre|member|instructor|professor|lecturer|"
    r"ingeniero|ingeniera|desarrollador|desarrolladora|programador|programadora|jefe|jefa|gerente|"
    r"directora|analista|consultor|consultora|diseñador|diseñadora|becario|becaria|profesor|profesora|"
    r"técnico|técnica|arquitecto|arquitecta|responsable|coordinador|coordinadora|"
    r"\w*entwickler\w*|\w*ingenieur\w*|\w*berater\w*|\w*leiter\w*|\w*manager\w*|werkstudent\w*|"
    r"praktikant\w*|referent\w*|architekt\w*|lehrer\w*|développeur|développeuse|ingénieur|ingénieure|"
    r"chef de projet|stagiaire|responsable|directeur|directrice"
)
TITLE_RE = re.compile(rf"\b(?:{_TITLE_WORDS})\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[•·▪◦*\-–]\s*")
_LOCATION = re.compile(r"^[A-Z][\w .'-]+,\s*(?:[A-Z]{2}\b|[A-Z][\w .'-]+)$")
_SUFFIX_IN = re.compile(r"\b(?:inc|llc|ltd|gmbh|corp|corporation|company|plc)\b\.?", re.IGNORECASE)
_COMPANY_SUFFIX = re.compile(r"^(?:inc|llc|ltd|gmbh|s\.?l|s\.?a|corp|co|plc)\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class Job:
    """A recognised job with its dates (None when the layout hid them)."""

    item: WorkItem
    dates: DateRange | None


def _is_title_line(line: str) -> bool:
    text = line.strip()
    if not text or _BULLET.match(line) or len(text.split()) > 16 or len(text) > 160:
        return False
    if text.endswith(".") and len(text.split()) > 6:
        return False  # a sentence, not a title
    return TITLE_RE.search(text) is not None


def _after_bullet(lines: list[str], i: int) -> bool:
    """PDF text often puts a bullet glyph on its own line before the bullet's text."""
    prev = _nonblank(lines, i, -1)
    return prev is not None and lines[prev].strip() in ("•", "·", "▪", "◦", "*", "-", "–")


def _ranges_by_line(lines: list[str]) -> dict[int, DateRange]:
    """Date ranges keyed by the line their start sits on."""
    text = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    out: dict[int, DateRange] = {}
    for r in find_ranges(text):
        index = max(i for i, s in enumerate(starts[:-1]) if s <= r.span[0])
        out.setdefault(index, r)
    return out


def _split_title(line: str, dates: DateRange | None) -> tuple[str, str | None]:
    """Title and employer from a title line ("Title, Employer, City", "EMPLOYER | TITLE", "Title at X")."""
    text = line.strip()
    if dates is not None:
        text = re.sub(r"\b(?:19|20)\d\d\b.*$", "", text) if re.search(r"(?:19|20)\d\d", text) else text
    text = re.sub(r"[\s,|–—(\[:-]+$", "", text)
    dashed = [p.strip() for p in re.split(r"\s+[–—-]\s+|\s+@\s+", text) if p.strip()]
    if len(dashed) == 2 and "|" not in text and "," not in text:
        # "Acme — Machine Learning Engineer", "ML Engineer – Acme"
        first_titled = TITLE_RE.search(dashed[0]) is not None
        second_titled = TITLE_RE.search(dashed[1]) is not None
        if first_titled != second_titled:
            return (dashed[0], dashed[1]) if first_titled else (dashed[1], dashed[0])
    if "|" in text:
        parts = [p.strip() for p in text.split("|") if p.strip()]
        titled = [p for p in parts if TITLE_RE.search(p)]
        title = titled[0] if titled else parts[0]
        others = [p for p in parts if p is not title]
        return title, (others[0] if others else None)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > 1 and TITLE_RE.search(parts[0]):
        employer = parts[1]
        if len(parts) > 2 and _COMPANY_SUFFIX.match(parts[2]):
            employer = f"{employer}, {parts[2]}"
        return parts[0], employer
    at = re.match(r"(?P<title>.+?)\s+(?:at|@|en)\s+(?P<employer>[A-Z].+)$", text)
    if at and TITLE_RE.search(at.group("title")):
        return at.group("title"), at.group("employer")
    return text, None


def _employer_like(line: str) -> bool:
    text = line.strip()
    if not text or _BULLET.match(line) or text[0].islower() or len(text.split()) > 8:
        return False
    return not (find_ranges(text) or _is_title_line(text) or re.search(r"\b(?:19|20)\d\d\b", text))


def _employer_name(line: str) -> str:
    return re.split(r"\s+[•|·]\s+", line.strip())[0].strip()


def _employer_near(lines: list[str], title_at: int, date_at: int | None) -> str | None:
    """The employer of a bare title line: the line after it (or after its dates), else above it."""
    after = _nonblank(lines, date_at if date_at is not None and date_at > title_at else title_at, 1)
    if date_at is None and after is not None and re.search(r"\b(?:19|20)\d\d\b", lines[after]):
        after = _nonblank(lines, after, 1)  # "Summer 2017" between title and employer
    if after is not None and _employer_like(lines[after]):
        text = lines[after].strip()
        if not _LOCATION.match(text) or _SUFFIX_IN.search(text) or "•" in text or "|" in text:
            return _employer_name(text)
    before = _nonblank(lines, title_at, -1)
    if before is not None and before == date_at:
        before = _nonblank(lines, before, -1)
    if before is not None and _LOCATION.match(lines[before].strip()) and not _SUFFIX_IN.search(lines[before]):
        before = _nonblank(lines, before, -1)  # Awesome-CV: employer, city, then the title
    if before is not None and _employer_like(lines[before]):
        return _employer_name(lines[before])
    return None


def _nonblank(lines: list[str], start: int, step: int) -> int | None:
    i = start + step
    while 0 <= i < len(lines):
        if lines[i].strip():
            return i
        i += step
    return None


def extract_jobs(lines: list[str]) -> list[Job]:
    """Jobs of one experience section, in the order they appear."""
    by_line = _ranges_by_line(lines)
    used: set[int] = set()
    jobs: list[Job] = []
    titles = [i for i, line in enumerate(lines) if _is_title_line(line) and not _after_bullet(lines, i)]
    for t in titles:
        date_at: int | None = t if t in by_line else None
        if date_at is None:
            for cand in (_nonblank(lines, t, 1), _nonblank(lines, t, -1)):
                if cand is not None and cand in by_line and cand not in used and cand not in titles:
                    date_at = cand
                    break
        dates = by_line.get(date_at) if date_at is not None else None
        if date_at is not None:
            used.add(date_at)
        title, employer = _split_title(lines[t], dates if date_at == t else None)
        if employer is None:
            employer = _employer_near(lines, t, date_at)
        item = WorkItem(
            title=title,
            employer=employer,
            start=dates.start_label if dates else None,
            end=dates.end_label if dates and not dates.current else None,
            current=bool(dates and dates.current),
        )
        jobs.append(Job(item, dates))
    return jobs


def seniority(titles: list[str], years: float | None) -> Seniority:
    """Seniority from the most recent titles (highest stated level wins), else from years."""
    stated = [lvl for lvl in (title_level(t) for t in titles) if lvl is not None]
    if stated:
        return cast(Seniority, max(stated, key=SENIORITY_RANK.__getitem__))
    if years is None:
        return "unknown"
    if years < 2:
        return "junior"
    return "mid" if years < 5 else "senior"
