"""Five-field cron expressions: parsing, matching and the next firing time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.localstack.cron import CronError, CronSchedule


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class TestParse:
    def test_star_step_list_and_range(self) -> None:
        cron = CronSchedule.parse("*/15 8-10 1,15 * 1-5")

        assert cron.minutes == {0, 15, 30, 45}
        assert cron.hours == {8, 9, 10}
        assert cron.days == {1, 15}
        assert cron.weekdays == {1, 2, 3, 4, 5}

    def test_stepped_range_and_start_step(self) -> None:
        cron = CronSchedule.parse("10-30/10 5/6 * * *")

        assert cron.minutes == {10, 20, 30}
        assert cron.hours == {5, 11, 17, 23}

    def test_seven_is_sunday(self) -> None:
        assert CronSchedule.parse("0 0 * * 7").weekdays == {0}

    @pytest.mark.parametrize(
        "expression",
        [
            "* * * *",
            "* * * * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "*/0 * * * *",
            "5-1 * * * *",
            "a * * * *",
            "* * * * 8",
        ],
    )
    def test_refuses_invalid_expressions(self, expression: str) -> None:
        with pytest.raises(CronError):
            CronSchedule.parse(expression)


class TestMatches:
    def test_every_ten_minutes(self) -> None:
        cron = CronSchedule.parse("*/10 * * * *")

        assert cron.matches(at("2026-03-04T05:20:59"))
        assert not cron.matches(at("2026-03-04T05:21:00"))

    def test_day_of_month_or_day_of_week_when_both_are_restricted(self) -> None:
        cron = CronSchedule.parse("0 0 13 * 5")  # the 13th, and every Friday

        assert cron.matches(at("2026-02-13T00:00"))  # a Friday the 13th
        assert cron.matches(at("2026-03-13T00:00"))  # the 13th, a Friday too
        assert cron.matches(at("2026-03-06T00:00"))  # a Friday
        assert not cron.matches(at("2026-03-07T00:00"))  # neither

    def test_day_of_week_alone_restricts(self) -> None:
        cron = CronSchedule.parse("0 9 * * 1")  # Mondays

        assert cron.matches(at("2026-03-02T09:00"))
        assert not cron.matches(at("2026-03-03T09:00"))


class TestNextAfter:
    def test_is_strictly_after(self) -> None:
        cron = CronSchedule.parse("0 */6 * * *")

        assert cron.next_after(at("2026-01-01T06:00")) == at("2026-01-01T12:00")

    def test_rolls_over_the_year(self) -> None:
        cron = CronSchedule.parse("30 1 1 1 *")

        assert cron.next_after(at("2026-06-01T00:00")) == at("2027-01-01T01:30")

    def test_finds_a_leap_day(self) -> None:
        cron = CronSchedule.parse("0 0 29 2 *")

        assert cron.next_after(at("2026-03-01T00:00")) == at("2028-02-29T00:00")

    def test_an_impossible_date_never_fires(self) -> None:
        cron = CronSchedule.parse("0 0 31 2 *")

        with pytest.raises(CronError, match="never fires"):
            cron.next_after(at("2026-01-01T00:00"))
