"""Five-field cron expressions, as Cloud Scheduler reads them (unix-cron).

Fields: minute hour day-of-month month day-of-week. Each field takes ``*``, ``*/n``, a value,
a range ``a-b``, a stepped range ``a-b/n`` and comma-separated lists of those. Day of week
runs 0-7 with both 0 and 7 meaning Sunday. As in cron, when both day fields are restricted a
time matches if EITHER matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_NAMES = ("minute", "hour", "day of month", "month", "day of week")
_SEARCH_LIMIT = timedelta(days=366 * 5)


class CronError(ValueError):
    """The expression is not valid five-field cron."""


@dataclass(frozen=True)
class CronSchedule:
    """A parsed expression; matches and searches minute-resolution times."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday ... 6 = Saturday
    days_restricted: bool
    weekdays_restricted: bool

    @classmethod
    def parse(cls, expression: str) -> CronSchedule:
        """Parse ``expression``; CronError explains what is wrong."""
        fields = expression.split()
        if len(fields) != len(_BOUNDS):
            raise CronError(f"{expression!r}: expected 5 fields, got {len(fields)}")
        sets = [_field(f, lo, hi, name) for f, (lo, hi), name in zip(fields, _BOUNDS, _NAMES, strict=True)]
        weekdays = frozenset(d % 7 for d in sets[4])
        return cls(
            expression=expression,
            minutes=sets[0],
            hours=sets[1],
            days=sets[2],
            months=sets[3],
            weekdays=weekdays,
            days_restricted=fields[2] != "*",
            weekdays_restricted=fields[4] != "*",
        )

    def matches(self, at: datetime) -> bool:
        """True when the minute of ``at`` is a firing time."""
        return at.minute in self.minutes and at.hour in self.hours and self._day_matches(at)

    def next_after(self, at: datetime) -> datetime:
        """The first firing time strictly after ``at`` (minute resolution, same tzinfo)."""
        t = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = t + _SEARCH_LIMIT
        while t < limit:
            if t.month not in self.months:
                t = _first_of_next_month(t)
            elif not self._day_matches(t):
                t = t.replace(hour=0, minute=0) + timedelta(days=1)
            elif t.hour not in self.hours:
                t = t.replace(minute=0) + timedelta(hours=1)
            elif t.minute not in self.minutes:
                t += timedelta(minutes=1)
            else:
                return t
        raise CronError(f"{self.expression!r} never fires")

    def _day_matches(self, at: datetime) -> bool:
        in_days = at.day in self.days
        in_weekdays = (at.isoweekday() % 7) in self.weekdays
        if self.days_restricted and self.weekdays_restricted:
            return at.month in self.months and (in_days or in_weekdays)
        return at.month in self.months and in_days and in_weekdays


def _field(text: str, lo: int, hi: int, name: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        values.update(_part(part, lo, hi, name))
    return frozenset(values)


def _part(part: str, lo: int, hi: int, name: str) -> range:
    base, slash, step_text = part.partition("/")
    step = _int(step_text, name) if slash else 1
    if step < 1:
        raise CronError(f"{name}: step must be at least 1 in {part!r}")
    if base == "*":
        start, end = lo, hi
    elif "-" in base:
        first, _, last = base.partition("-")
        start, end = _int(first, name), _int(last, name)
    else:
        start = _int(base, name)
        # "5/15" means from 5 to the end in steps of 15, as in Vixie cron.
        end = hi if slash else start
    if not lo <= start <= end <= hi:
        raise CronError(f"{name}: {part!r} is outside {lo}-{hi} or reversed")
    return range(start, end + 1, step)


def _int(text: str, name: str) -> int:
    if not text.isdigit():
        raise CronError(f"{name}: {text!r} is not a number")
    return int(text)


def _first_of_next_month(t: datetime) -> datetime:
    year, month = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    return t.replace(year=year, month=month, day=1, hour=0, minute=0)
