"""Date ranges in CV text ("Jan 2019 - Present", "2012 – 2017", "Sep. 2023 - Mar. 2024", "enero
2020 - actualidad", "März 2021 – heute", "03.2019 - 02.2021", "seit 2020", "janvier 2020 -
aujourd'hui") and total experience with overlapping jobs merged.

Months are counted as integers ``year * 12 + (month - 1)``. A range that gives only years runs
from January of its start year to January of its end year ("2012 – 2017" is five years); a
month end is inclusive. "Present" resolves to a reference month: the generation date, unless
the CV itself says when it was written ("Last updated on 21st January 2015", "Anticipated
graduation: December 2010"), because a stale CV's "Present" means its own date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Month names (English, Spanish, German, French; full and abbreviated) by month number;
# seasons as their first month.
_MONTH_NAMES = (
    (1, "jan january ene enero januar jänner jaenner janv janvier"),
    (2, "feb february febrero februar feber fév févr fevr février fevrier"),
    (3, "mar march marzo mär märz maerz mrz mars spring primavera frühling printemps"),
    (4, "apr april abr abril avr avril"),
    (5, "may mayo mai"),
    (6, "jun june junio juni juin summer verano sommer été"),
    (7, "jul july julio juli juil juillet"),
    (8, "aug august ago agosto août aout"),
    (9, "sep sept september septiembre setiembre septembre fall autumn otoño herbst automne"),
    (10, "oct october octubre okt oktober octobre"),
    (11, "nov november noviembre novembre"),
    (12, "dec december dic diciembre dez dezember déc décembre decembre winter invierno hiver"),
)
_MONTHS = {name: number for number, names in _MONTH_NAMES for name in names.split()}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_DATE = (
    rf"(?:(?:(?P<{{p}}m>{_MONTH})\.?,?\s+(?:de\s+|del\s+)?)?(?P<{{p}}y>{_YEAR})"
    rf"|(?P<{{p}}nm>0?[1-9]|1[0-2])[/.](?P<{{p}}ny>{_YEAR}))"
)
_PRESENT = (
    r"(?P<present>present|current|currently|now|today|ongoing|actual|actualidad|presente|hoy|la\s+fecha|"
    r"heute|bis\s+heute|aktuell|derzeit|jetzt|laufend|dato|aujourd['’]hui|pr[ée]sent|actuel|"
    r"actuellement|en\s+cours|ce\s+jour)"
)
_SEP = r"\s*(?:-|–|—|to|until|till|a|al|hasta|bis|à|au|jusqu['’]à|jusqu['’]au)\s*"
RANGE_RE = re.compile(
    r"(?<![\w/])" + _DATE.format(p="s") + _SEP + rf"(?:{_DATE.format(p='e')}|{_PRESENT})?(?![\w/])",
    re.IGNORECASE,
)
# "since 2021", "seit März 2021", "depuis janvier 2020", "desde 2019": a current range.
SINCE_RE = re.compile(
    r"(?<![\w/])(?:since|seit|depuis|desde)\s+(?:(?:le|el|dem)\s+)?" + _DATE.format(p="s") + r"(?![\w/])",
    re.IGNORECASE,
)
_DANGLING = re.compile(r"\s*(?:-|–|—)\s*$")
_REFERENCE = re.compile(
    rf"(?:last\s+updated(?:\s+on)?|anticipated\s+graduation|expected\s+graduation|actualizado(?:\s+el)?)"
    rf"\s*:?\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:de\s+)?(?P<m>{_MONTH})?\.?,?\s*(?:de\s+)?(?P<y>{_YEAR})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateRange:
    """One range found in the text; ``end`` is None when current (or open-ended)."""

    start: int  # month index
    end: int | None
    start_label: str  # YYYY-MM or YYYY as written
    end_label: str | None
    current: bool
    span: tuple[int, int]


def month_index(year: int, month: int) -> int:
    """``year * 12 + month - 1``."""
    return year * 12 + month - 1


def _label(year: int, month: int | None) -> str:
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def _part(m: re.Match[str], p: str) -> tuple[int, int | None] | None:
    if m.group(f"{p}y"):
        name = m.group(f"{p}m")
        return int(m.group(f"{p}y")), _MONTHS[name.lower()] if name else None
    if m.group(f"{p}ny"):
        return int(m.group(f"{p}ny")), int(m.group(f"{p}nm"))
    return None


def find_ranges(text: str) -> list[DateRange]:
    """Every date range in ``text``, in order. "June 2022 –" with nothing after counts as current."""
    out: list[DateRange] = []
    for m in RANGE_RE.finditer(text):
        start = _part(m, "s")
        end = _part(m, "e")
        if start is None:
            continue
        present = m.group("present") is not None
        if end is None and not present:
            # An open start counts only when its dash ends the line (moderncv's "2017 –" gutter).
            newline = text.find("\n", m.end())
            rest = text[m.end() : newline if newline != -1 else len(text)]
            if not _DANGLING.search(m.group(0)) or rest.strip():
                continue
            present = True
        s_year, s_month = start
        s_index = month_index(s_year, s_month or 1)
        e_index: int | None = None
        e_label: str | None = None
        if end is not None:
            e_year, e_month = end
            e_index = month_index(e_year, e_month) + 1 if e_month else month_index(e_year, 1)
            e_label = _label(e_year, e_month)
            if e_index < s_index:
                continue
        out.append(DateRange(s_index, e_index, _label(s_year, s_month), e_label, present, m.span()))
    for m in SINCE_RE.finditer(text):
        start = _part(m, "s")
        if start is None or any(
            r.span[0] <= m.start("sy" if m.group("sy") else "sny") < r.span[1] for r in out
        ):
            continue
        s_year, s_month = start
        out.append(
            DateRange(month_index(s_year, s_month or 1), None, _label(s_year, s_month), None, True, m.span())
        )
    out.sort(key=lambda r: r.span)
    return out


def reference_month(text: str, today: date) -> int:
    """The (exclusive) month index "Present" runs to: this month, or earlier when the CV dates itself."""
    now = month_index(today.year, today.month) + 1
    stamps = [
        month_index(int(m.group("y")), _MONTHS[m.group("m").lower()] if m.group("m") else 12) + 1
        for m in _REFERENCE.finditer(text)
    ]
    return min([now, *stamps])


def total_years(ranges: list[DateRange], present: int) -> float | None:
    """Years covered by the union of ``ranges`` (overlaps merged), one decimal; None without ranges."""
    spans = sorted((r.start, min(r.end if r.end is not None else present, present)) for r in ranges)
    spans = [(s, e) for s, e in spans if e > s]
    if not spans:
        return None if not ranges else 0.0
    months = 0
    cur_s, cur_e = spans[0]
    for s, e in spans[1:]:
        if s <= cur_e:
            cur_e = max(cur_e, e)
        else:
            months += cur_e - cur_s
            cur_s, cur_e = s, e
    months += cur_e - cur_s
    return round(months / 12, 1)
